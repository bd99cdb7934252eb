// The one printf-style formatter of the guest: the kernel's printk and libchcore's printf both use it.
// Header-only and freestanding (only <stdarg.h>), so it builds with the kernel's and the user flags.
// Conversions: %d %i %u %x %X %p %s %c %%, 'l'/'ll'/'z' for 64-bit, width and '0' padding.
#pragma once
#include <stdarg.h>

namespace chcore_format {

struct Out {
    char* buf;
    unsigned long size;
    unsigned long len = 0;
    void put(char c) {
        if (len + 1 < size) buf[len] = c;
        ++len;
    }
};

inline void put_unsigned(Out& o, unsigned long v, unsigned base, int width, bool zero, bool upper) {
    char tmp[24];
    int n = 0;
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    for (int i = n; i < width; ++i) o.put(zero ? '0' : ' ');
    while (n) o.put(tmp[--n]);
}

inline void put_string(Out& o, const char* s, int width) {
    if (!s) s = "(null)";
    int n = 0;
    while (s[n]) ++n;
    for (int i = n; i < width; ++i) o.put(' ');
    for (int i = 0; i < n; ++i) o.put(s[i]);
}

// One conversion starting after '%'; returns the position after it.
inline const char* format_one(Out& o, const char* f, va_list& ap) {
    bool zero = false;
    int width = 0, longs = 0;
    if (*f == '0') zero = true, ++f;
    while (*f >= '0' && *f <= '9') width = width * 10 + (*f++ - '0');
    while (*f == 'l') ++longs, ++f;
    if (*f == 'z') longs = 1, ++f;
    switch (*f) {
    case 'd':
    case 'i': {
        long v = longs ? va_arg(ap, long) : va_arg(ap, int);
        if (v < 0) {
            o.put('-');
            put_unsigned(o, static_cast<unsigned long>(-v), 10, width ? width - 1 : 0, zero, false);
        } else {
            put_unsigned(o, static_cast<unsigned long>(v), 10, width, zero, false);
        }
        break;
    }
    case 'u': put_unsigned(o, longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, width, zero, false); break;
    case 'x':
    case 'X': put_unsigned(o, longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, width, zero, *f == 'X'); break;
    case 'p':
        o.put('0'), o.put('x');
        put_unsigned(o, reinterpret_cast<unsigned long>(va_arg(ap, void*)), 16, width, zero, false);
        break;
    case 's': put_string(o, va_arg(ap, const char*), width); break;
    case 'c': o.put(static_cast<char>(va_arg(ap, int))); break;
    case '%': o.put('%'); break;
    default: o.put('%'), o.put(*f); break;
    }
    return *f ? f + 1 : f;
}

// Formats into buf (always NUL-terminated when size > 0); returns the length the whole output needs.
inline int vformat(char* buf, unsigned long size, const char* fmt, va_list ap) {
    Out o{buf, size};
    va_list ap2;
    va_copy(ap2, ap);
    while (*fmt) {
        if (*fmt != '%') {
            o.put(*fmt++);
            continue;
        }
        fmt = format_one(o, fmt + 1, ap2);
    }
    va_end(ap2);
    if (size) buf[o.len < size ? o.len : size - 1] = '\0';
    return static_cast<int>(o.len);
}

}  // namespace chcore_format
