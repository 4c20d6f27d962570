<?php
// ps-upgrade-db FROM TO: the database part of a PrestaShop upgrade, for an image that already carries the new
// release's files (the golden image is the new version; only the shop's database is at the old one).
//
// It runs what PrestaShop's 1-click upgrade module (autoupgrade, shipped in the release's modules/) runs in its
// database step (CoreUpgrader::upgradeDb): the release's upgrade scripts upgrade/sql/<version>.sql for every version
// after FROM up to TO, in version order, with PREFIX_ and ENGINE_TYPE replaced, one statement per ';' at a line end,
// and the `/* PHP:function(args); */` statements calling upgrade/php/<function>.php; then PS_VERSION_DB = TO. It looks
// for the scripts in modules/autoupgrade/upgrade/ (8.x and 9.x releases), then in the installer's upgrade/ (older
// layouts). Statements that fail because they were already applied (an upgrade interrupted and run again: table or
// column or key exists, nothing to drop) are counted and skipped, as autoupgrade does; any other error stops it.
//
// Called by ps-install with the install lock held (one upgrade at a time per database). Exit codes: 0 upgraded,
// 8 the image has no upgrade scripts, 9 an upgrade statement failed (PS_VERSION_DB left at FROM: run it again after
// fixing the cause; statements already applied are skipped). Prints no secret.
declare(strict_types=1);

const ROOT = '/var/www/html';
const SOURCES = [ROOT . '/modules/autoupgrade/upgrade', '/usr/local/share/prestashop/install/upgrade'];
// MySQL/MariaDB errors of a statement that was already applied: table exists, duplicate column, duplicate key name,
// duplicate entry, multiple primary key, can't drop (does not exist).
const ALREADY_APPLIED = [1050, 1060, 1061, 1062, 1068, 1091];

function say(string $message): void
{
    fwrite(STDOUT, "ps-install: $message\n");
}

function fail(int $code, string $message): never
{
    fwrite(STDERR, "ps-install: $message\n");
    exit($code);
}

[$from, $to] = [$argv[1] ?? '', $argv[2] ?? ''];
$version = '/^\d+(\.\d+){1,3}$/';
if (!preg_match($version, $from) || !preg_match($version, $to) || version_compare($from, $to) >= 0) {
    fail(2, "usage: ps-upgrade-db FROM TO (versions, FROM older than TO; got '$from' '$to')");
}
$source = null;
foreach (SOURCES as $candidate) {
    if (is_dir("$candidate/sql")) {
        $source = $candidate;
        break;
    }
}
if ($source === null) {
    fail(8, "upgrade from $from to $to impossible: this image has no upgrade scripts (looked in "
        . implode(', ', SOURCES) . '); nothing was changed');
}
$scripts = [];
$skipped = [];
foreach (glob("$source/sql/*.sql") ?: [] as $file) {
    $name = basename($file, '.sql');
    if (!preg_match($version, $name)) {
        $skipped[] = basename($file);  // e.g. 9.0.0-catchup.sql: autoupgrade's own rules decide when those run
        continue;
    }
    if (version_compare($name, $from) > 0 && version_compare($name, $to) <= 0) {
        $scripts[$name] = $file;
    }
}
uksort($scripts, 'version_compare');
say("upgrading the database from PrestaShop $from to $to: " . (count($scripts) ?: 'no') . ' upgrade script(s)'
    . ($scripts === [] ? '' : ' (' . implode(', ', array_keys($scripts)) . ')') . " from $source");
if ($skipped !== []) {
    say('not run (not a plain version; autoupgrade decides when they apply): ' . implode(', ', $skipped));
}

// PrestaShop's own bootstrap (the shop's Db class, its TLS override included): what the upgrade functions expect.
define('_PS_INSTALLER_PHP_UPGRADE_DIR_', "$source/php/");
define('PS_INSTALLATION_IN_PROGRESS', true);
require ROOT . '/config/config.inc.php';
$db = Db::getInstance();
$engine = defined('_MYSQL_ENGINE_') ? _MYSQL_ENGINE_ : 'InnoDB';

$counts = ['statements' => 0, 'php' => 0, 'already applied' => 0];
foreach ($scripts as $name => $file) {
    $content = str_replace(['PREFIX_', 'ENGINE_TYPE'], [_DB_PREFIX_, $engine], (string) file_get_contents($file));
    foreach (preg_split("/;\\s*[\\r\\n]+/", $content . "\n") as $statement) {
        $statement = trim($statement);
        if ($statement === '' || preg_match('/^(--|#)[^\n]*$/', $statement)) {
            continue;
        }
        if (str_contains($statement, '/* PHP:')) {
            // /* PHP:function_name(arg1, arg2); */ -- a function of upgrade/php/<function_name>.php
            if (!preg_match('/\/\* PHP:([A-Za-z0-9_]+)\((.*)\);? \*\//s', $statement, $call)) {
                fail(9, "$name.sql: cannot read the PHP step '" . substr($statement, 0, 120) . "'");
            }
            $args = $call[2] === '' ? [] : array_map(static fn ($a) => trim($a, " '\""), explode(',', $call[2]));
            $script = _PS_INSTALLER_PHP_UPGRADE_DIR_ . strtolower($call[1]) . '.php';
            if (!is_file($script)) {
                fail(9, "$name.sql: the PHP step {$call[1]} has no file $script");
            }
            require_once $script;
            $result = call_user_func_array($call[1], $args);
            if ($result === false || (is_array($result) && !empty($result['error']))) {
                fail(9, "$name.sql: the PHP step {$call[1]} failed"
                    . (is_array($result) && isset($result['msg']) ? ': ' . $result['msg'] : ''));
            }
            $counts['php']++;
            continue;
        }
        $errno = 0;
        $error = '';
        try {
            $ok = $db->execute($statement, false);
            if (!$ok && method_exists($db, 'getNumberError')) {
                [$errno, $error] = [(int) $db->getNumberError(), (string) $db->getMsgError()];
            }
        } catch (Throwable $e) {
            $ok = false;
            $errno = (int) (($e instanceof PDOException && isset($e->errorInfo[1])) ? $e->errorInfo[1] : $e->getCode());
            $error = $e->getMessage();
        }
        if ($ok) {
            $counts['statements']++;
        } elseif (in_array($errno, ALREADY_APPLIED, true)) {
            $counts['already applied']++;
        } else {
            fail(9, "$name.sql: statement failed (error $errno: $error): " . substr($statement, 0, 200)
                . "; the database stays at PrestaShop $from (PS_VERSION_DB), run the deploy again after fixing it");
        }
    }
}
$db->execute('UPDATE `' . _DB_PREFIX_ . "configuration` SET value = '" . $to . "' WHERE name = 'PS_VERSION_DB'", false);
say(sprintf('upgraded the database from PrestaShop %s to %s: %d statement(s), %d PHP step(s), %d already applied',
    $from, $to, $counts['statements'], $counts['php'], $counts['already applied']));
exit(0);
