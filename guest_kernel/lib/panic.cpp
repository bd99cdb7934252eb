// kernel_panic: prints straight to the UART (no console lock: the panic may come from inside it),
// then stops the machine with a failure status.
#include "arch/aarch64/machine.h"
#include "arch/aarch64/smp.h"
#include "common/kprint.h"
#include "common/macro.h"
#include "plat/raspi3/uart.h"

namespace {
void raw_puts(const char* s) {
    for (; *s; ++s) {
        if (*s == '\n') uart_send('\r');
        uart_send(static_cast<unsigned char>(*s));
    }
}
}  // namespace

[[noreturn]] void kernel_panic(const char* file, int line, const char* msg) {
    char buf[256];
    snprintf(buf, sizeof(buf), "[PANIC] CPU %u: %s at %s:%d\n", smp_get_cpu_id(), msg, file, line);
    raw_puts(buf);
    semihost_exit(1);
}
