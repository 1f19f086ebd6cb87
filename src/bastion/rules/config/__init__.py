"""CFG: application and deployment configuration (Flask, Django, FastAPI/Starlette, Dockerfiles, compose, CI).

Codes: CFG1xx app settings (debug, SECRET_KEY, hosts, password hashing), CFG2xx transport and headers (HTTPS,
HSTS, security headers, cookies), CFG3xx request handling (CSRF, CORS, authorization, IDOR, rate limits, uploads,
errors, logging), CFG4xx deployment (Dockerfile, docker-compose, CI, pre-commit).
"""
