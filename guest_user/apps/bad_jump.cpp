// Jumps to an unmapped address: the kernel must kill this process and go on.
#include "chcore/chcore.h"

extern "C" int main() {
    printf("bad_jump: jumping to 0xdead0000\n");
    auto fn = reinterpret_cast<void (*)()>(0xdead0000UL);
    fn();
    printf("bad_jump: FAIL, came back\n");
    return 1;
}
