// A GuestErrorLog for device tests: counts the guest errors a device reports and keeps the last one.
#pragma once
#include <string>

#include "dev/device.h"

namespace chemu {

struct CountingLog final : GuestErrorLog {
  void guest_error(int, std::string_view device, std::string_view what) override {
    ++count;
    last = std::string(device) + ": " + std::string(what);
  }
  int count = 0;
  std::string last;
};

}  // namespace chemu
