// printk: formats into a buffer on the caller's stack, then writes it under the console lock.
#include "common/kprint.h"
#include "common/lock.h"
#include "plat/raspi3/uart.h"
#include "uapi/vformat.h"

namespace {

Spinlock console_lock;

}  // namespace

int vsnprintf(char* buf, size_t size, const char* fmt, va_list ap) { return chcore_format::vformat(buf, size, fmt, ap); }

int snprintf(char* buf, size_t size, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void console_write(const char* s, size_t len) {
    SpinGuard guard(console_lock);
    for (size_t i = 0; i < len; ++i) {
        if (s[i] == '\n') uart_send('\r');
        uart_send(static_cast<unsigned char>(s[i]));
    }
}

void vprintk(const char* fmt, va_list ap) {
    char buf[256];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t len = static_cast<size_t>(n) < sizeof(buf) ? static_cast<size_t>(n) : sizeof(buf) - 1;
    console_write(buf, len);
}

void printk(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}
