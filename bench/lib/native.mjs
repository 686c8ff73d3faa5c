/**
 * nginx and HAProxy as the bar beyond the Node peers: generated configs in a temp dir, one
 * worker / one thread by default (more for the scaling table), keep-alive to the upstreams,
 * streaming bodies (nginx buffers responses in memory only, never on disk), X-Forwarded-For on,
 * no access log. Only used when the binaries are installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function which(bin) {
  for (const dir of [
    '/usr/sbin',
    '/usr/bin',
    '/usr/local/sbin',
    '/usr/local/bin',
    '/sbin',
    '/bin',
  ]) {
    const p = join(dir, bin);
    if (spawnSync('test', ['-x', p]).status === 0) return p;
  }
  return undefined;
}

export const nginxBin = which('nginx');
export const haproxyBin = which('haproxy');

/**
 * nginx: `threads` = worker_processes; 1 runs without a master so the pid is the worker.
 * `tls` ({ cert, key, http2 }): terminate TLS with TLS 1.2/1.3 and a session cache, and with
 * `http2` offer h2 (nginx 1.22 spells it on `listen`).
 */
export function nginxCommand(dir, port, upstreams, threads = 1, tls = undefined) {
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const servers = upstreams.map((u) => `    server ${new URL(u).host};`).join('\n');
  const conf = `daemon off;
master_process ${threads > 1 ? 'on' : 'off'};
worker_processes ${threads};
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
worker_rlimit_nofile 65536;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'tmp')};
  proxy_temp_path ${join(dir, 'tmp')};
  fastcgi_temp_path ${join(dir, 'tmp')};
  uwsgi_temp_path ${join(dir, 'tmp')};
  scgi_temp_path ${join(dir, 'tmp')};
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  upstream backends {
${servers}
    keepalive 256;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
  }
  server {
    listen 127.0.0.1:${port}${threads > 1 ? ' reuseport' : ''}${tls ? ` ssl${tls.http2 ? ' http2' : ''}` : ''};
    client_max_body_size 0;${
      tls
        ? `
    ssl_certificate ${tls.cert};
    ssl_certificate_key ${tls.key};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:10m;`
        : ''
    }
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      # Responses: buffered in memory only (never to temp files), so nginx streams like the
      # Node proxies yet reads upstream in 64 KiB gulps. Requests: streamed, not spooled.
      proxy_buffering on;
      proxy_buffer_size 16k;
      proxy_buffers 8 64k;
      proxy_busy_buffers_size 128k;
      proxy_max_temp_file_size 0;
      proxy_request_buffering off;
      client_body_buffer_size 64k;
    }
  }
}
`;
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, conf);
  return { cmd: nginxBin, args: ['-p', dir, '-c', file] };
}

/** HAProxy: `threads` = nbthread, in one process; keep-alive both sides, connection reuse. */
export function haproxyCommand(dir, port, upstreams, threads = 1) {
  const servers = upstreams
    .map((u, i) => `  server s${i + 1} ${new URL(u).host} maxconn 256`)
    .join('\n');
  const conf = `global
  nbthread ${threads}
  maxconn 4096
defaults
  mode http
  option http-keep-alive
  option forwardfor
  http-reuse safe
  timeout connect 5s
  timeout client 120s
  timeout server 120s
  timeout http-keep-alive 120s
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  balance roundrobin
${servers}
`;
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, conf);
  return { cmd: haproxyBin, args: ['-db', '-f', file] };
}

export function nativeVersions() {
  const out = {};
  if (nginxBin) {
    const r = spawnSync(nginxBin, ['-v'], { encoding: 'utf8' });
    out.nginx = (r.stderr || r.stdout).trim().replace(/^nginx version: nginx\//, '');
  }
  if (haproxyBin) {
    const r = spawnSync(haproxyBin, ['-v'], { encoding: 'utf8' });
    out.haproxy = r.stdout
      .split('\n')[0]
      .replace(/^HAProxy version /, '')
      .split(' ')[0];
  }
  return out;
}
