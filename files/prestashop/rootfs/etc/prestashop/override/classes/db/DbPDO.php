<?php
// kstore.platform golden image: class override placed at build time in /var/www/html/override/classes/db/.
// PrestaShop's autoloader (PrestaShopAutoload) loads override/classes/db/DbPDO.php as class DbPDO on top of the
// release's DbPDOCore, unless "Disable all overrides" (PS_DISABLE_OVERRIDES) is set in the back office.
// DbPDOCore::getPDO() is the single factory of the legacy Db's PDO links (connect(), tryToConnect(),
// createDatabase(), checkCreatePrivilege(), ...); this override adds the TLS options of
// /usr/local/lib/kstore/db-tls.php (verified TLS when PS_DB_SSL=1) and keeps the release's other options.
require_once '/usr/local/lib/kstore/db-tls.php';

class DbPDO extends DbPDOCore
{
    protected static function getPDO($host, $user, $password, $dbname, $timeout = 5)
    {
        $parts = [];
        if ($dbname) {
            $parts[] = 'dbname=' . $dbname;
        }
        if (preg_match('/^(.*):([0-9]+)$/', (string) $host, $m)) {
            $parts[] = 'host=' . $m[1];
            $parts[] = 'port=' . $m[2];
        } elseif (preg_match('#^.*:(/.*)$#', (string) $host, $m)) {
            $parts[] = 'unix_socket=' . $m[1];
        } else {
            $parts[] = 'host=' . $host;
        }
        $parts[] = 'charset=utf8mb4';
        $options = [
            PDO::ATTR_TIMEOUT => $timeout,
            PDO::MYSQL_ATTR_USE_BUFFERED_QUERY => true,
            PDO::MYSQL_ATTR_INIT_COMMAND => 'SET NAMES utf8mb4',
        ] + kstore_db_tls_options();

        return new PDO('mysql:' . implode(';', $parts), $user, $password, $options);
    }
}
