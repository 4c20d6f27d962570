<?php
// The container's own health check (ECS's healthCheck, the image's HEALTHCHECK): PHP answers through Apache and
// the shop's bootstrap has what PrestaShop needs to boot -- its configuration (app/config/parameters.php loads and
// names a database), the class autoloader and the legacy Db class, the MySQL driver, writable var/cache and
// var/logs (the Symfony kernel cannot boot without them). Deliberately NOT the database: a database blip would make
// every task fail its check at once and ECS would replace them all; /health/deep (the database) is for operators
// and the rollout's smoke checks. The load balancer's check stays /health (a static file: cheap). 200 "ok" or 503
// with the first problem found.
header('Content-Type: text/plain');
header('Cache-Control: no-store');
$root = '/var/www/html';
$problem = null;
$parameters = @include $root . '/app/config/parameters.php';
if (!is_array($parameters) || empty($parameters['parameters']['database_host'])) {
    $problem = 'app/config/parameters.php does not load or names no database';
} elseif (!is_readable($root . '/config/autoload.php') || !is_readable($root . '/classes/db/DbPDO.php')) {
    $problem = 'the class autoloader or the Db class is missing';
} elseif (!extension_loaded('pdo_mysql')) {
    $problem = 'the pdo_mysql extension is not loaded';
} else {
    foreach (['var/cache', 'var/logs'] as $dir) {
        if (!is_dir("$root/$dir") || !is_writable("$root/$dir")) {
            $problem = "$dir is not writable";
            break;
        }
    }
}
if ($problem !== null) {
    http_response_code(503);
    echo $problem, "\n";
    exit;
}
echo "ok\n";
