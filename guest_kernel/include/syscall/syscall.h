#pragma once
#include "arch/aarch64/context.h"

// Runs the syscall in ctx (x8 = number), stores its result in the caller's x0 and returns the
// frame to resume.
arch_exec_ctx* handle_syscall(arch_exec_ctx* ctx);
