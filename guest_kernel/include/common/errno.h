// The kernel's error numbers live with the user-visible interface (uapi/), shared with libchcore.
#pragma once
#include "uapi/error_codes.h"
