// printf for user programs: formats a whole line into a buffer and writes it with one putstr,
// which the kernel prints under one console lock (lines of different threads never mix).
#include "chcore/chcore.h"
#include "vformat.h"

extern "C" int vsnprintf(char* buf, unsigned long size, const char* fmt, va_list ap) {
    return chcore_format::vformat(buf, size, fmt, ap);
}
extern "C" int snprintf(char* buf, unsigned long size, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

extern "C" int printf(const char* fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    unsigned long len = static_cast<unsigned long>(n) < sizeof(buf) ? static_cast<unsigned long>(n) : sizeof(buf) - 1;
    usys_putstr(buf, len);
    return n;
}
