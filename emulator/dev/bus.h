// The physical address map of memory-mapped devices. Windows may not overlap (checked on add).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dev/device.h"

namespace chemu {

class Bus {
 public:
  struct Window {
    uint64_t base, size;
    Device* device;
  };
  // Throws std::invalid_argument on an empty window or an overlap with one already added.
  void add(uint64_t base, uint64_t size, Device& device);
  // The window holding `pa`, or nullptr: an unclaimed access.
  const Window* find(uint64_t pa) const;
  std::optional<uint64_t> read(int core, uint64_t pa, unsigned size) const;
  bool write(int core, uint64_t pa, unsigned size, uint64_t value) const;

 private:
  std::map<uint64_t, Window> windows_;  // by base address
};

}  // namespace chemu
