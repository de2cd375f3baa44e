#!/bin/sh
# Writes an nginx config into DIR serving the fixed bodies in DIR/fx on three loopback ports
# (describe, list100, list10m) for POST with keep-alive, and a fourth (Lambda GetFunction,
# restJson1) for GET; run nginx -c DIR/nginx.conf.
# usage: nginx.sh DIR PORT_DESCRIBE PORT_LIST100 PORT_LIST10M PORT_GETFUNCTION
set -e
dir=$1
server() {
    # Static files answer POST with 405; error_page turns that into a 200 with the file.
    cat <<CONF
    server {
        listen 127.0.0.1:$1;
        root $dir/fx;
        location / {
            rewrite ^ /$2 break;
            error_page 405 =200 /$2;
            add_header x-amzn-RequestId 11111111-2222-3333-4444-555555555555 always;
        }
    }
CONF
}
cat > "$dir/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $dir/nginx-tmp;
    proxy_temp_path $dir/nginx-tmp;
    fastcgi_temp_path $dir/nginx-tmp;
    uwsgi_temp_path $dir/nginx-tmp;
    scgi_temp_path $dir/nginx-tmp;
    types { }
    default_type application/x-amz-json-1.1;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
    sendfile on;
    tcp_nodelay on;
$(server "$2" describe.json)
$(server "$3" list100.json)
$(server "$4" list10m.json)
$(server "$5" getfunction.json)
}
CONF
mkdir -p "$dir/nginx-tmp"
