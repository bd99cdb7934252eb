// A memory-mapped device: reset, read, write at an offset inside its window.
// Outputs (interrupt lines) are recomputed from state after every change (see each device's update()).
#pragma once
#include <cstdint>
#include <functional>
#include <string_view>

namespace chemu {

struct MmioAccess {
  int core;        // the core making the access
  uint64_t offset; // inside the device's window
  unsigned size;   // bytes: 1, 2, 4 or 8
};

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string_view name() const = 0;
  virtual void reset() = 0;
  virtual uint64_t read(const MmioAccess& a) = 0;
  virtual void write(const MmioAccess& a, uint64_t value) = 0;
};

// The machine's virtual time, in core cycles (the Cortex-A53 runs at 1.2 GHz): what timer devices count
// from. It never goes back. The machine supplies it, so it can become one shared system counter.
using Clock = std::function<uint64_t()>;
constexpr uint64_t kCyclesPerMicrosecond = 1200;

// Where devices report a guest's misuse (bad offset, bad size). The run goes on, as on hardware.
class GuestErrorLog {
 public:
  virtual ~GuestErrorLog() = default;
  virtual void guest_error(int core, std::string_view device, std::string_view what) = 0;
};

}  // namespace chemu
