// Console on the PL011 (UART0) at 0x3f201000. No initialisation: QEMU and chemu accept output at once
// and on a real Pi the firmware has set it up. kprintf formats into a buffer and writes it under a lock
// so that lines from different cores never interleave.
#include "guest.h"

#define UART0_DR ((volatile uint32_t *)0x3f201000)
#define UART0_FR ((volatile uint32_t *)0x3f201018)
#define FR_TXFF  (1u << 5)

static spinlock_t console_lock;

void uart_putc(char c) {
    for (uint32_t n = 0; (*UART0_FR & FR_TXFF) && n < WAIT_SPINS; n++) {}
    *UART0_DR = (uint8_t)c;
}

struct buf { char s[256]; unsigned n; };

static void put(struct buf *b, char c) { if (b->n < sizeof b->s) b->s[b->n++] = c; }

static void put_num(struct buf *b, uint64_t v, unsigned base, int neg, unsigned width, char pad) {
    char tmp[24];
    unsigned n = 0;
    do { tmp[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    if (neg) tmp[n++] = '-';
    while (width > n) { put(b, pad); width--; }
    while (n) put(b, tmp[--n]);
}

void kprintf(const char *fmt, ...) {
    struct buf b;
    b.n = 0;
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') { put(&b, *p); continue; }
        char pad = ' ';
        unsigned width = 0, lng = 0;
        if (*++p == '0') { pad = '0'; p++; }
        while (*p >= '0' && *p <= '9') width = width * 10 + (unsigned)(*p++ - '0');
        while (*p == 'l') { lng = 1; p++; }
        switch (*p) {
        case 'd': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            put_num(&b, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width, pad);
            break;
        }
        case 'u': put_num(&b, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, 0, width, pad); break;
        case 'x': put_num(&b, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, 0, width, pad); break;
        case 'c': put(&b, (char)va_arg(ap, int)); break;
        case 's': for (const char *s = va_arg(ap, const char *); *s; s++) put(&b, *s); break;
        case '%': put(&b, '%'); break;
        default: put(&b, '?'); if (!*p) p--; break;
        }
    }
    va_end(ap);
    spin_lock(&console_lock);
    for (unsigned i = 0; i < b.n; i++) uart_putc(b.s[i]);
    spin_unlock(&console_lock);
}
