UNIT_TESTS += http_parse
http_parse_SRCS := apps/httpd/http_parse.c
