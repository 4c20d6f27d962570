<?php
// kstore.platform golden image: PrestaShop's parameters.php, baked, reading the environment (every task of a
// shop must share PS_COOKIE_KEY / PS_COOKIE_IV / PS_NEW_COOKIE_KEY / PS_SECRET). No secret is stored here.
$kstoreEnv = static function (string $name, ?string $default = null): ?string {
    $value = getenv($name);
    return ($value === false || $value === '') ? $default : $value;
};

$kstoreParameters = [
    'parameters' => [
        'database_host' => $kstoreEnv('PS_DB_HOST', '127.0.0.1'),
        'database_port' => $kstoreEnv('PS_DB_PORT', '3306'),
        'database_name' => $kstoreEnv('PS_DB_NAME', 'prestashop'),
        'database_user' => $kstoreEnv('PS_DB_USER', 'prestashop'),
        'database_password' => $kstoreEnv('PS_DB_PASSWORD', ''),
        'database_prefix' => $kstoreEnv('PS_DB_PREFIX', 'ps_'),
        'database_engine' => 'InnoDB',
        'mailer_transport' => 'smtp',
        'mailer_host' => '127.0.0.1',
        'mailer_user' => null,
        'mailer_password' => null,
        'secret' => $kstoreEnv('PS_SECRET', ''),
        'ps_caching' => 'CacheMemcache',
        'ps_cache_enable' => false,
        'ps_creation_date' => $kstoreEnv('PS_CREATION_DATE', '2024-01-01'),
        'locale' => $kstoreEnv('PS_LOCALE', 'en-US'),
        'use_debug_toolbar' => false,
        'cookie_key' => $kstoreEnv('PS_COOKIE_KEY', ''),
        'cookie_iv' => $kstoreEnv('PS_COOKIE_IV', ''),
        'new_cookie_key' => $kstoreEnv('PS_NEW_COOKIE_KEY', ''),
        'api_public_key' => $kstoreEnv('PS_API_PUBLIC_KEY', ''),
        'api_private_key' => $kstoreEnv('PS_API_PRIVATE_KEY', ''),
        'trusted_proxies' => $kstoreEnv('PS_TRUSTED_PROXIES', ''),
        'shop_domain' => $kstoreEnv('PS_DOMAIN', ''),
    ],
];

// PrestaShop's Symfony kernel reads this file from app/config/set_parameters.php, inside the PHP config loader's
// scope where $container is the ContainerBuilder being compiled: the Doctrine DBAL connection "default" gets the
// same TLS options as the legacy Db class (merged with the release's doctrine options). Legacy code and the
// installer read this file without a container: nothing happens there.
if (isset($container) && $container instanceof \Symfony\Component\DependencyInjection\ContainerBuilder) {
    require_once '/usr/local/lib/kstore/db-tls.php';
    $kstoreTls = kstore_db_tls_options();
    if ($kstoreTls !== []) {
        $container->loadFromExtension('doctrine', ['dbal' => ['connections' => ['default' => ['options' => $kstoreTls]]]]);
    }
}

return $kstoreParameters;
