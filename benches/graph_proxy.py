#!/usr/bin/env python3
"""A proxy that lets rclone talk to odc's emulator, for the benchmarks only.

rclone's OneDrive backend has its Graph and sign-in hosts built in
(https://graph.microsoft.com, https://login.microsoftonline.com). Run with
HTTPS_PROXY pointing here and --no-check-certificate, its CONNECT to either host
is answered by this process, which terminates TLS with a throwaway certificate
and forwards each request, on one kept-alive connection per client connection,
to the emulator's plain-HTTP address. Everything the emulator hands out (download
and upload URLs, nextLinks) already points at 127.0.0.1, which Go never proxies,
so only the first hop of each Graph call passes through here.

    graph_proxy.py LISTEN_PORT EMULATOR_URL CERT KEY
"""

import http.client
import socket
import ssl
import sys
import threading
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"}


def read_head(stream):
    line = stream.readline()
    if not line:
        return None, None
    headers = []
    while True:
        header = stream.readline()
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    return line.decode("latin-1").rstrip("\r\n"), headers


def read_body(stream, headers):
    lookup = {name.lower(): value for name, value in headers}
    if lookup.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int(stream.readline().split(b";")[0], 16)
            if size == 0:
                stream.readline()
                return bytes(body)
            body += stream.read(size)
            stream.readline()
    return stream.read(int(lookup.get("content-length", "0")))


def serve_tls(client, emulator, context):
    tls = context.wrap_socket(client, server_side=True)
    reader = tls.makefile("rb")
    upstream = http.client.HTTPConnection(emulator.hostname, emulator.port)
    while True:
        request_line, headers = read_head(reader)
        if request_line is None:
            break
        method, target, _ = request_line.split(" ", 2)
        body = read_body(reader, headers)
        forwarded = {n: v for n, v in headers if n.lower() not in HOP_BY_HOP | {"host"}}
        forwarded["Host"] = f"{emulator.hostname}:{emulator.port}"
        upstream.request(method, target, body=body or None, headers=forwarded)
        reply = upstream.getresponse()
        data = reply.read()
        head = [f"HTTP/1.1 {reply.status} {reply.reason}"]
        for name, value in reply.getheaders():
            if name.lower() not in HOP_BY_HOP | {"content-length"}:
                head.append(f"{name}: {value}")
        head.append(f"Content-Length: {len(data)}")
        tls.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)
    tls.close()


def handle(client, emulator, context):
    try:
        reader = client.makefile("rb")
        request_line, _ = read_head(reader)
        if not request_line or not request_line.startswith("CONNECT "):
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        serve_tls(client, emulator, context)
    except (OSError, ValueError, http.client.HTTPException):
        pass
    finally:
        client.close()


def main():
    port, emulator_url, cert, key = sys.argv[1:5]
    emulator = urllib.parse.urlsplit(emulator_url)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = socket.create_server(("127.0.0.1", int(port)))
    while True:
        client, _ = server.accept()
        threading.Thread(target=handle, args=(client, emulator, context), daemon=True).start()


if __name__ == "__main__":
    main()
