// Error numbers the kernel returns (negated): one definition, shared with the kernel.
#pragma once
#include "error_codes.h"  // guest_kernel/include/uapi/ (on libchcore's include path)
