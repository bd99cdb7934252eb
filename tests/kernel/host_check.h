// On the host, a kernel invariant violation (LIST_ASSERT) throws, so a test can expect it.
#pragma once
#include <stdexcept>
inline void host_check(bool ok, const char* what) {
  if (!ok) throw std::logic_error(what);
}
#define LIST_ASSERT(c) host_check((c), #c)
