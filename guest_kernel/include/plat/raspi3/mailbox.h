#pragma once
#include "common/types.h"

// Asks the VideoCore (property channel 8, tag 0x00010006) where its memory starts. Returns false
// when the mailbox does not answer.
bool vc_get_vc_memory(u32* base, u32* size);
