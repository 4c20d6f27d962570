<?php
// ps-web-files: writes the web root's generated files -- .htaccess (friendly URLs, the shop's domains, cache
// headers) and robots.txt -- from the shop's database with PrestaShop's own generators (Tools::generateHtaccess,
// Tools::generateRobotsFile), at every container start (docker-entrypoint).
//
// Why at start: the installer writes them in its own one-off container, which is discarded, and a file the back
// office regenerates on one task would not reach the others. Everything they are made of lives in the database
// (PS_REWRITING_SETTINGS, the shop URLs, ...), so every task writes the same files, and a change made in the back
// office reaches every task at its next start. The files are links to /var/lib/kstore/web (a tmpfs when the root file
// system is read-only), so this works on a read-only image.
//
// Exit codes: 0 written, or nothing to do (no database configured, shop not installed yet); 3 database unreachable
// (the entrypoint tries again in the background); 4 a generator failed.
declare(strict_types=1);

const ROOT = '/var/www/html';

require_once '/usr/local/lib/kstore/db-tls.php';

function say(string $message): void
{
    fwrite(STDERR, "ps-web-files: $message\n");
}

$env = static function (string $name, string $default = ''): string {
    $value = getenv($name);
    return ($value === false || $value === '') ? $default : $value;
};
if ($env('PS_DB_HOST') === '' || $env('PS_DB_NAME') === '') {
    say('no database configured (PS_DB_HOST, PS_DB_NAME): nothing to generate');
    exit(0);
}
$prefix = $env('PS_DB_PREFIX', 'ps_');
if (!preg_match('/^[A-Za-z0-9_]{1,32}$/', $prefix)) {
    say('PS_DB_PREFIX must match ^[A-Za-z0-9_]{1,32}$');
    exit(4);
}
// A quick look first (3 s at most): PrestaShop's bootstrap would wait longer and print less clearly.
try {
    $pdo = new PDO(
        sprintf('mysql:host=%s;port=%d;dbname=%s;charset=utf8mb4', $env('PS_DB_HOST'), (int) $env('PS_DB_PORT', '3306'),
            $env('PS_DB_NAME')),
        $env('PS_DB_USER'), $env('PS_DB_PASSWORD'),
        [PDO::ATTR_TIMEOUT => 3, PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION] + kstore_db_tls_options()
    );
    $installed = $pdo->query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
        . "AND table_name = " . $pdo->quote($prefix . 'configuration'))->fetchColumn();
    $version = (int) $installed > 0
        ? $pdo->query("SELECT value FROM `{$prefix}configuration` WHERE name = 'PS_VERSION_DB' LIMIT 1")->fetchColumn()
        : false;
} catch (PDOException $e) {
    say('database unreachable, .htaccess and robots.txt not written yet: ' . $e->getMessage());
    exit(3);
}
if ($version === false) {
    say('the shop is not installed yet: nothing to generate');
    exit(0);
}
$pdo = null;

require ROOT . '/config/config.inc.php';
$htaccess = Tools::generateHtaccess();
$robots = Tools::generateRobotsFile();
if (!$htaccess || !$robots) {
    say('could not write ' . implode(' and ', array_keys(array_filter(['.htaccess' => !$htaccess,
        'robots.txt' => !$robots]))) . ' (is /var/lib/kstore/web writable?)');
    exit(4);
}
say(".htaccess and robots.txt written from the database (PrestaShop $version)");
exit(0);
