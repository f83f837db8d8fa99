"""Running the portal in a council: the client's address behind a proxy, the request id in
every log line, the monitoring health check and the error tracker's scrubber."""
