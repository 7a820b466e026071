/* Shared by the stack's composition root (net/net_init.c) and the pieces it starts. */
#ifndef NET_NET_IMPL_H
#define NET_NET_IMPL_H

/* Create, open and address lo (127.0.0.1/8); 0 or -ENOMEM. */
int loopback_init(void);
/* Watch interfaces so the "net: ... up" line is printed when the configured one runs. */
void ipconfig_init(void);
/* Bind net_stats_print() to console key 'n' and to poweroff. */
void net_stats_init(void);

#endif
