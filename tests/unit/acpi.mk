UNIT_TESTS += acpi
acpi_SRCS := kernel/acpi_parse.c
