<?php
// ps-install: the one explicit, idempotent PrestaShop install step of the golden image (the one-off ECS task).
// Exit codes: 0 installed / already installed, 2 configuration missing or invalid, 3 database unreachable within
// PS_DB_WAIT_TIMEOUT, 4 installer failed, 5 partial install found (left untouched), 6 another install still running
// after PS_INSTALL_LOCK_TIMEOUT, 7 downgrade refused (the database is at a newer PrestaShop than the image), 8 the
// database is at an older PrestaShop and the image has no upgrade scripts, 9 its database upgrade failed
// (ps-upgrade-db.php: when the database is at an older PrestaShop, its upgrade runs here, once). Never
// prints passwords, never puts them on a command line, and never clears a database (--db_clear=0 --db_create=0
// always). One install at a time per database: a named lock in the database.
declare(strict_types=1);

const ROOT = '/var/www/html';
const PARAMETERS = ROOT . '/app/config/parameters.php';
const BAKED_PARAMETERS = '/etc/prestashop/parameters.php';
// The installer lives outside the web root (PrestaShop's back office shows no login form while <root>/install
// exists); it is put in place for the time of an install only, in the one-off container that runs it.
const INSTALLER_SOURCE = '/usr/local/share/prestashop/install';
const INSTALLER = ROOT . '/install';

require_once '/usr/local/lib/kstore/db-tls.php';

function say(string $message): void
{
    fwrite(STDOUT, "ps-install: $message\n");
}

function fail(int $code, string $message): never
{
    fwrite(STDERR, "ps-install: $message\n");
    exit($code);
}

function env(string $name, string $default = ''): string
{
    $value = getenv($name);
    return ($value === false || $value === '') ? $default : $value;
}

$required = ['PS_DB_HOST', 'PS_DB_NAME', 'PS_DB_USER', 'PS_DB_PASSWORD', 'PS_DOMAIN', 'PS_ADMIN_EMAIL',
    'PS_ADMIN_PASSWORD', 'PS_SHOP_NAME'];
foreach ($required as $name) {
    if (env($name) === '') {
        fail(2, "configuration missing: $name is not set");
    }
}
$host = env('PS_DB_HOST');
$port = env('PS_DB_PORT', '3306');
$name = env('PS_DB_NAME');
$prefix = env('PS_DB_PREFIX', 'ps_');
$timeout = env('PS_DB_WAIT_TIMEOUT', '120');
if (!ctype_digit($port)) {
    fail(2, "configuration invalid: PS_DB_PORT must be a number");
}
if (!ctype_digit($timeout)) {
    fail(2, "configuration invalid: PS_DB_WAIT_TIMEOUT must be a number of seconds");
}
if (!preg_match('/^[A-Za-z0-9_]{1,32}$/', $prefix)) {
    fail(2, "configuration invalid: PS_DB_PREFIX must match ^[A-Za-z0-9_]{1,32}$");
}
$lockTimeout = env('PS_INSTALL_LOCK_TIMEOUT', '900');
if (!ctype_digit($lockTimeout)) {
    fail(2, "configuration invalid: PS_INSTALL_LOCK_TIMEOUT must be a number of seconds");
}
// PrestaShop's installer reads --name=value arguments whose value ends at the first of these characters: a password
// holding one would be cut short without a word (the shop's admin password would not be the secret's).
foreach (['PS_DB_PASSWORD', 'PS_ADMIN_PASSWORD'] as $secretName) {
    if (strpbrk(env($secretName), '=<>|`') !== false) {
        fail(2, "configuration invalid: $secretName contains one of = < > | ` which PrestaShop's installer cuts "
            . 'passwords at; generate it without them');
    }
}
// Verified TLS to the database when PS_DB_SSL=1 (the installer it runs inherits the environment and connects
// through the image's DbPDO override, the same options).
try {
    $tls = kstore_db_tls_options();
} catch (PDOException $e) {
    fail(2, 'configuration invalid: ' . $e->getMessage());
}
$secrets = array_filter([env('PS_DB_PASSWORD'), env('PS_ADMIN_PASSWORD')], static fn ($s) => strlen($s) >= 1);
$mask = static fn (string $text): string => str_replace($secrets, '********', $text);

// 1. Wait for the database.
$deadline = microtime(true) + (int) $timeout;
$pdo = null;
$lastError = '';
do {
    try {
        $pdo = new PDO(sprintf('mysql:host=%s;port=%d;dbname=%s;charset=utf8mb4', $host, (int) $port, $name),
            env('PS_DB_USER'), env('PS_DB_PASSWORD'),
            [PDO::ATTR_TIMEOUT => 3, PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION] + $tls);
        $pdo->query('SELECT 1');
    } catch (PDOException $e) {
        $pdo = null;
        $lastError = $mask($e->getMessage());
        if (microtime(true) + 2 > $deadline) {
            break;
        }
        sleep(2);
    }
} while ($pdo === null);
if ($pdo === null) {
    fail(3, "database $host:$port/$name unreachable within {$timeout}s: $lastError");
}
say("database $host:$port/$name reachable" . ($tls === [] ? '' : ' (TLS, server certificate verified)'));

// 2. One installer at a time: a named lock held by this connection for the whole install (the server frees it if
// this process dies). A second installer waits for the first, then finds the shop installed.
$lockName = 'kstore_ps_install_' . substr(hash('sha256', $name . '/' . $prefix), 0, 16);
$waitedFrom = microtime(true);
$got = $pdo->query("SELECT GET_LOCK('$lockName', 0)")->fetchColumn();
if ((string) $got !== '1') {
    say("another install is running on $name (lock $lockName); waiting up to {$lockTimeout}s");
    $stmt = $pdo->prepare('SELECT GET_LOCK(?, ?)');
    $stmt->execute([$lockName, (int) $lockTimeout]);
    if ((string) $stmt->fetchColumn() !== '1') {
        fail(6, "another install is running on $name: the lock $lockName was not free within {$lockTimeout}s");
    }
    say(sprintf('the other install ended after %.0fs of waiting', microtime(true) - $waitedFrom));
}

// 3. Already installed? Partial install?
$like = str_replace(['\\', '_', '%'], ['\\\\', '\\_', '\\%'], $prefix) . '%';
$stmt = $pdo->prepare('SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_name LIKE ?');
$stmt->execute([$name, $like]);
$tables = $stmt->fetchAll(PDO::FETCH_COLUMN);
if ($tables !== []) {
    $configured = false;
    if (in_array($prefix . 'configuration', $tables, true)) {
        $row = $pdo->query("SELECT COUNT(*) FROM `{$prefix}configuration` WHERE name IN ('PS_VERSION_DB', 'PS_SHOP_DOMAIN')");
        $configured = (int) $row->fetchColumn() > 0;
    }
    if ($configured) {
        // The database's PrestaShop version against this image's: never run an older PrestaShop on a newer schema.
        $imageVersion = trim((string) @file_get_contents('/etc/prestashop/version'));
        $stmt = $pdo->query("SELECT value FROM `{$prefix}configuration` WHERE name = 'PS_VERSION_DB' LIMIT 1");
        $dbVersion = trim((string) $stmt->fetchColumn());
        $numeric = static fn (string $version): string => (string) preg_replace('/[-+].*$/s', '', $version);
        $order = ($dbVersion === '' || $imageVersion === '') ? 0
            : version_compare($numeric($dbVersion), $numeric($imageVersion));
        if ($order > 0) {
            fail(7, "downgrade refused: the database is at PrestaShop $dbVersion and this image is $imageVersion; "
                . "nothing was changed (deploy $dbVersion or later, or restore a backup taken before the upgrade)");
        }
        if ($order < 0) {
            // A newer PrestaShop than the database's: its database upgrade, once (this process holds the lock; the
            // next ps-install finds PS_VERSION_DB at this image's version and does nothing).
            $upgrade = proc_open([PHP_BINARY, '/usr/local/lib/kstore/ps-upgrade-db.php', $numeric($dbVersion),
                $numeric($imageVersion)], [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['redirect', 1]],
                $pipes, ROOT);
            if (!is_resource($upgrade)) {
                fail(9, 'upgrade failed: cannot start php');
            }
            while (($line = fgets($pipes[1])) !== false) {
                fwrite(STDOUT, $mask($line));
            }
            fclose($pipes[1]);
            $status = proc_close($upgrade);
            if ($status !== 0) {
                fail($status, "upgrade from PrestaShop $dbVersion to $imageVersion failed (exit $status)");
            }
            $pdo->query("SELECT RELEASE_LOCK('$lockName')");
            exit(0);
        }
        say("already installed (" . count($tables) . " $prefix tables in $name"
            . ($dbVersion === '' ? '' : ", PrestaShop $dbVersion") . '); nothing to do');
        exit(0);
    }
    fail(5, 'partial install found: ' . count($tables) . " tables with prefix $prefix in $name but no "
        . "{$prefix}configuration row PS_VERSION_DB/PS_SHOP_DOMAIN; refusing to touch it (restore or clean it by hand)");
}

// What the installer wrote in the image's tree, outside the shared folders (EFS) and the per-container ones: this
// container is discarded, so none of it is kept. .htaccess and robots.txt are written again by every web container
// at start, from the database (ps-web-files.php); app/config/parameters.php is the baked one again. Anything else is
// listed, so that a release whose installer writes more (translations, theme settings) says so in the task's log.
function report_installer_writes(int $since): void
{
    $skip = '#^(var|img|upload|download|install)(/|$)|^app/config/parameters\.php$|^(\.htaccess|robots\.txt)$#';
    $filter = static function (SplFileInfo $file) use ($skip): bool {
        return !preg_match($skip, substr($file->getPathname(), strlen(ROOT) + 1)) && !$file->isLink();
    };
    $files = new RecursiveIteratorIterator(new RecursiveCallbackFilterIterator(
        new RecursiveDirectoryIterator(ROOT, FilesystemIterator::SKIP_DOTS), $filter));
    $written = [];
    foreach ($files as $file) {
        if ($file->getMTime() >= $since) {
            $written[] = substr($file->getPathname(), strlen(ROOT) + 1);
        }
    }
    sort($written);
    say('.htaccess and robots.txt: written by every web container at start, from the database');
    if ($written !== []) {
        say('the installer also wrote ' . count($written) . ' file(s) that are NOT kept (the image\'s copy serves): '
            . implode(', ', array_slice($written, 0, 20)) . (count($written) > 20 ? ', ...' : ''));
    }
}

// 4. Put the installer in place (removed again however this process ends).
function run_quietly(array $command): bool
{
    $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'],
        2 => ['file', '/dev/null', 'w']], $pipes);
    return is_resource($process) && proc_close($process) === 0;
}
if (!is_dir(INSTALLER)) {
    if (!is_file(INSTALLER_SOURCE . '/index_cli.php')) {
        fail(4, 'installer failed: the image has no installer at ' . INSTALLER_SOURCE);
    }
    if (!run_quietly(['cp', '-R', INSTALLER_SOURCE, INSTALLER])) {
        run_quietly(['rm', '-rf', INSTALLER]);
        fail(4, 'installer failed: cannot copy the installer to ' . INSTALLER . ' (is the web root writable?)');
    }
    register_shutdown_function(static function (): void {
        if (!run_quietly(['rm', '-rf', INSTALLER])) {
            fwrite(STDERR, 'ps-install: WARNING could not remove ' . INSTALLER . "\n");
        }
    });
}

// 5. Run the installer (never clears or creates the database; no newsletter subscription, no e-mail: unattended).
// The passwords are not on its command line (visible in the process list): ps-install-run.php adds them to the
// installer's arguments from the environment, inside the process. The installer rewrites parameters.php with
// literal values: the baked, environment-reading file is put back afterwards. $pdo keeps the lock meanwhile.
$args = [
    PHP_BINARY, '/usr/local/lib/kstore/ps-install-run.php', ROOT . '/install/index_cli.php',
    '--db_clear=0', '--db_create=0', '--newsletter=0', '--send_email=0',
    '--domain=' . env('PS_DOMAIN'),
    '--db_server=' . $host . ':' . $port,
    '--db_name=' . $name,
    '--db_user=' . env('PS_DB_USER'),
    '--prefix=' . $prefix,
    '--email=' . env('PS_ADMIN_EMAIL'),
    '--language=' . env('PS_LANGUAGE', 'en'),
    '--country=' . env('PS_COUNTRY', 'gb'),
    '--name=' . env('PS_SHOP_NAME'),
    '--ssl=1',
];
say('running install/index_cli.php (PrestaShop ' . trim((string) @file_get_contents('/etc/prestashop/version'))
    . ', domain ' . env('PS_DOMAIN') . ', prefix ' . $prefix . ', db_clear=0)');
$installStarted = time();
$process = proc_open($args, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['redirect', 1]], $pipes, ROOT);
if (!is_resource($process)) {
    fail(4, 'installer failed: cannot start php');
}
while (($line = fgets($pipes[1])) !== false) {
    fwrite(STDOUT, $mask($line));
}
fclose($pipes[1]);
$status = proc_close($process);
if (is_file(BAKED_PARAMETERS) && @copy(BAKED_PARAMETERS, PARAMETERS) === false) {
    fwrite(STDERR, "ps-install: WARNING could not restore the baked parameters.php\n");
}
if ($status !== 0) {
    fail(4, "installer failed (exit $status)");
}
$pdo->query("SELECT RELEASE_LOCK('$lockName')");
say('installed');
report_installer_writes($installStarted);
exit(0);
