<?php
// Deep health check: one query on the configured database (verified TLS when PS_DB_SSL=1, as the shop), without
// loading PrestaShop. 200 "ok" or 503.
require_once '/usr/local/lib/kstore/db-tls.php';
header('Content-Type: text/plain');
header('Cache-Control: no-store');
$env = static fn (string $name, string $default = ''): string => (($v = getenv($name)) === false || $v === '') ? $default : $v;
try {
    $pdo = new PDO(
        sprintf('mysql:host=%s;port=%d;dbname=%s', $env('PS_DB_HOST', '127.0.0.1'), (int) $env('PS_DB_PORT', '3306'), $env('PS_DB_NAME')),
        $env('PS_DB_USER'),
        $env('PS_DB_PASSWORD'),
        [PDO::ATTR_TIMEOUT => 3, PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION] + kstore_db_tls_options()
    );
    $pdo->query('SELECT 1')->fetchColumn();
    echo 'ok';
} catch (Throwable $e) {
    http_response_code(503);
    echo 'database unavailable';
}
