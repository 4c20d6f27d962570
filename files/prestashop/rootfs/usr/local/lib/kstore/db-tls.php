<?php
// kstore.platform golden image: the ONE place that decides how PHP connects to the database over TLS. Every
// connection of the image goes through it: ps-install, /health/deep, PrestaShop's legacy Db class (the override
// /var/www/html/override/classes/db/DbPDO.php) and PrestaShop's Doctrine connection (app/config/parameters.php).
//
// PS_DB_SSL=1: TLS with the server certificate verified (chain AND host name) against PS_DB_SSL_CA (default: the CA
// bundle baked at build time, /etc/ssl/kstore/db-ca.pem). Anything else: no TLS options (the server decides; a
// server with require_secure_transport=ON refuses the connection).
declare(strict_types=1);

const KSTORE_DB_CA_DEFAULT = '/etc/ssl/kstore/db-ca.pem';

if (!function_exists('kstore_db_tls_options')) {
    /**
     * PDO options (pdo_mysql) for the database connection: [] without PS_DB_SSL=1.
     *
     * @return array<int, mixed>
     */
    function kstore_db_tls_options(): array
    {
        if (getenv('PS_DB_SSL') !== '1') {
            return [];
        }
        $ca = getenv('PS_DB_SSL_CA');
        $ca = ($ca === false || $ca === '') ? KSTORE_DB_CA_DEFAULT : $ca;
        if (!is_file($ca) || !is_readable($ca)) {
            // Fail closed: without the bundle pdo_mysql would not verify anything.
            throw new PDOException("PS_DB_SSL=1 but the CA bundle PS_DB_SSL_CA=$ca is not a readable file");
        }
        return [
            PDO::MYSQL_ATTR_SSL_CA => $ca,
            PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => true,
        ];
    }
}
