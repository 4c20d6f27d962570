<?php
// Run by ps-install as: php ps-install-run.php <installer> [--name=value ...]. Runs PrestaShop's CLI installer in
// this process with the passwords added to its arguments from the environment (PS_DB_PASSWORD, PS_ADMIN_PASSWORD),
// so that no command line in the process list carries them. The installer reads the global $argv/$argc.
declare(strict_types=1);

$installer = $argv[1] ?? '';
if ($installer === '' || !is_file($installer)) {
    fwrite(STDERR, "ps-install-run: no installer at '$installer'\n");
    exit(1);
}
$argv = array_merge([$installer], array_slice($argv, 2), [
    '--db_password=' . (string) getenv('PS_DB_PASSWORD'),
    '--password=' . (string) getenv('PS_ADMIN_PASSWORD'),
]);
$argc = count($argv);
$_SERVER['argv'] = $argv;
$_SERVER['argc'] = $argc;
$_SERVER['SCRIPT_FILENAME'] = $installer;
chdir(dirname($installer));
require $installer;
