/*
 * SOL_SOCKET options (Linux sk_setsockopt / sk_getsockopt), with Linux's
 * rules and errnos: int options read min(optlen, 4) bytes after refusing
 * optlen < 4 (EINVAL); SO_RCVBUF/SO_SNDBUF double the value and clamp it to
 * [SOCK_MIN_*, 2 * sysctl max]; timeouts are a struct timeval (EDOM for
 * usec out of range; 0 means forever; negative means "do not wait").
 * Getters truncate to the caller's length.  Layer: part of net/sock.c's
 * generic sock, called by AF_INET's setsockopt/getsockopt for SOL_SOCKET.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <net/sock.h>

#define INT_MAX_ 0x7fffffff

struct user_timeval { s64 tv_sec, tv_usec; };
struct user_linger { int l_onoff, l_linger; };

int sockopt_get_int(u64 optval, unsigned optlen, int *val)
{
    if (optlen < sizeof(int))
        return -EINVAL;
    return copy_from_user(val, (void *)optval, sizeof(int));
}

/* Linux's tail of getsockopt: copy min(len, lv) bytes and write the length back. */
static int sockopt_put(u64 optval, u64 optlen, const void *v, int lv)
{
    int len;

    if (get_user(len, (int *)optlen))
        return -EFAULT;
    if (len < 0)
        return -EINVAL;
    len = MIN(len, lv);
    if (copy_to_user((void *)optval, v, (size_t)len))
        return -EFAULT;
    return put_user(len, (int *)optlen);
}

int sockopt_put_int(u64 optval, u64 optlen, int val)
{
    return sockopt_put(optval, optlen, &val, sizeof(val));
}

/* Linux sock_set_timeout(): struct timeval to ns; WAIT_FOREVER for {0, 0}. */
static int sock_set_timeout(u64 *timeo, u64 optval, unsigned optlen)
{
    struct user_timeval tv;

    if (optlen < sizeof(tv))
        return -EINVAL;
    if (copy_from_user(&tv, (void *)optval, sizeof(tv)))
        return -EFAULT;
    if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
        return -EDOM;
    if (tv.tv_sec < 0) {
        *timeo = 0;
        return 0;
    }
    *timeo = (tv.tv_sec == 0 && tv.tv_usec == 0) ? WAIT_FOREVER
             : (u64)tv.tv_sec * NSEC_PER_SEC + (u64)tv.tv_usec * NSEC_PER_USEC;
    return 0;
}

static int sock_get_timeout(u64 timeo, u64 optval, u64 optlen)
{
    struct user_timeval tv = { 0, 0 };

    if (timeo != WAIT_FOREVER) {
        tv.tv_sec = (s64)(timeo / NSEC_PER_SEC);
        tv.tv_usec = (s64)(timeo % NSEC_PER_SEC / NSEC_PER_USEC);
    }
    return sockopt_put(optval, optlen, &tv, sizeof(tv));
}

/* Buffer sizes: the app's value doubled (Linux accounts overhead so), clamped. */
static int sock_buf_size(int val, int max, int min)
{
    u32 v = MIN((u32)val, (u32)max);

    v = MIN(v, (u32)INT_MAX_ / 2);
    return MAX((int)v * 2, min);
}

static int sock_set_linger(struct sock *sk, u64 optval, unsigned optlen)
{
    struct user_linger l;

    if (optlen < sizeof(l))
        return -EINVAL;
    if (copy_from_user(&l, (void *)optval, sizeof(l)))
        return -EFAULT;
    sock_valbool_flag(sk, SOCK_LINGER, l.l_onoff);
    sk->sk_lingertime = l.l_linger <= 0 ? 0 : (u64)l.l_linger * NSEC_PER_SEC;
    return 0;
}

int sock_setsockopt(struct sock *sk, int optname, u64 optval, unsigned optlen)
{
    int val, err;

    if (optname == SO_RCVTIMEO_OLD || optname == SO_RCVTIMEO_NEW)
        return sock_set_timeout(&sk->sk_rcvtimeo, optval, optlen);
    if (optname == SO_SNDTIMEO_OLD || optname == SO_SNDTIMEO_NEW)
        return sock_set_timeout(&sk->sk_sndtimeo, optval, optlen);
    if (optname == SO_LINGER)
        return sock_set_linger(sk, optval, optlen);
    if ((err = sockopt_get_int(optval, optlen, &val)))
        return err;
    switch (optname) {
    case SO_REUSEADDR:
        sk->sk_reuse = val != 0;
        return 0;
    case SO_REUSEPORT:
        sk->sk_reuseport = val != 0;
        return 0;
    case SO_BROADCAST:
        sock_valbool_flag(sk, SOCK_BROADCAST, val);
        return 0;
    case SO_KEEPALIVE:
        /* As Linux's sock_setsockopt: an established TCP sock starts (or stops) probing now. */
        if (sk->sk_prot->keepalive && (val != 0) != sock_flag(sk, SOCK_KEEPOPEN))
            sk->sk_prot->keepalive(sk, val != 0);
        sock_valbool_flag(sk, SOCK_KEEPOPEN, val);
        return 0;
    case SO_SNDBUF:
    case SO_SNDBUFFORCE:
        sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
        sk->sk_sndbuf = sock_buf_size(val, optname == SO_SNDBUF ? SYSCTL_WMEM_MAX : INT_MAX_,
                                      SOCK_MIN_SNDBUF);
        sk->sk_write_space(sk);
        return 0;
    case SO_RCVBUF:
    case SO_RCVBUFFORCE:
        sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
        sk->sk_rcvbuf = sock_buf_size(val, optname == SO_RCVBUF ? SYSCTL_RMEM_MAX : INT_MAX_,
                                      SOCK_MIN_RCVBUF);
        return 0;
    case SO_RCVLOWAT:
        sk->sk_rcvlowat = val < 0 ? INT_MAX_ : (val ? val : 1);
        return 0;
    case SO_PRIORITY:
        sk->sk_priority = (u32)val;
        return 0;
    default:                /* SO_TYPE, SO_ERROR, SO_PROTOCOL ... are read-only */
        return -ENOPROTOOPT;
    }
}

int sock_getsockopt(struct sock *sk, int optname, u64 optval, u64 optlen)
{
    struct user_linger l;
    int v;

    switch (optname) {
    case SO_RCVTIMEO_OLD:
    case SO_RCVTIMEO_NEW:
        return sock_get_timeout(sk->sk_rcvtimeo, optval, optlen);
    case SO_SNDTIMEO_OLD:
    case SO_SNDTIMEO_NEW:
        return sock_get_timeout(sk->sk_sndtimeo, optval, optlen);
    case SO_LINGER:
        l.l_onoff = sock_flag(sk, SOCK_LINGER);
        l.l_linger = (int)(sk->sk_lingertime / NSEC_PER_SEC);
        return sockopt_put(optval, optlen, &l, sizeof(l));
    case SO_REUSEADDR:  v = sk->sk_reuse; break;
    case SO_REUSEPORT:  v = sk->sk_reuseport; break;
    case SO_BROADCAST:  v = sock_flag(sk, SOCK_BROADCAST); break;
    case SO_KEEPALIVE:  v = sock_flag(sk, SOCK_KEEPOPEN); break;
    case SO_SNDBUF:     v = sk->sk_sndbuf; break;
    case SO_RCVBUF:     v = sk->sk_rcvbuf; break;
    case SO_RCVLOWAT:   v = sk->sk_rcvlowat; break;
    case SO_PRIORITY:   v = (int)sk->sk_priority; break;
    case SO_TYPE:       v = sk->sk_type; break;
    case SO_PROTOCOL:   v = sk->sk_protocol; break;
    case SO_DOMAIN:     v = sk->sk_family; break;
    case SO_ACCEPTCONN: v = sk->sk_state == TCP_LISTEN; break;
    case SO_ERROR:
        v = -sock_error(sk);
        if (!v) {
            v = sk->sk_err_soft;
            sk->sk_err_soft = 0;
        }
        break;
    default:
        return -ENOPROTOOPT;
    }
    return sockopt_put_int(optval, optlen, v);
}
