// Package h1 is the gateway's HTTP/1.1 engine: a server that reads each
// request head once into its own buffer, a handler that routes it, and a
// relay that writes the forwarded request straight onto a pooled upstream
// connection and streams the answer back — without net/http's per-request
// header maps, contexts, response structs and body wrappers.
//
// Why not net/http's ReverseProxy: on this path every request built two
// http.Header maps (request in, response back), cloned one, wrapped the
// body twice and created three contexts: 130 of the 190 allocations of a
// proxied request, and half the gateway's CPU. Why not fasthttp: it buffers
// bodies by default, has its own request types the rule would need
// adapters for, and its WebSocket and streaming support is an add-on; the
// relay needed is small enough to own and to fuzz.
//
// What it does: HTTP/1.0 and 1.1 with keep-alive and pipelining, bodies of
// any size streamed both ways (Content-Length or chunked, re-framed
// verbatim; a response without framing is read to its end and the client
// connection closed after), Expect: 100-continue, 1xx responses, Upgrade
// (WebSocket) passed through as raw bytes both ways once the upstream
// answers 101, hop-by-hop headers removed (also those named in
// Connection), X-Forwarded-For/-Host/-Proto set, a connect failure retried
// on the next instance the caller allows, a reused idle connection the
// upstream had closed retried on a fresh one, a client that goes away
// while the upstream is slow noticed within a quarter second.
//
// Limits (hostile input): a request head larger than Limits.HeadBytes or
// with more than Limits.Fields fields is answered 431; a malformed head
// (bad request line, field name, obs-fold, control bytes, a
// Content-Length and a Transfer-Encoding together, several different
// lengths, a transfer coding other than chunked) 400 or 501 naming the
// reason, and the connection closed; a head not complete within
// ReadHeaderTimeout, or a connection idle longer than IdleTimeout, is
// closed. Chunk-size lines and trailers have the same bounds.
//
// What it does not do: HTTP/2 (nginx does not speak it to upstreams
// either; clients that need it put a TLS/h2 terminator in front) and TLS
// (a tls.Listener can be passed to Serve; the gateway's command does not
// offer it yet).
package h1
