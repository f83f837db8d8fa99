"""JSON API for access_requests: viewsets register on protocol_portal.api.router."""
