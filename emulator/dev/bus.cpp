#include "dev/bus.h"

#include <stdexcept>

#include <fmt/format.h>

namespace chemu {

void Bus::add(uint64_t base, uint64_t size, Device& device) {
  if (size == 0) throw std::invalid_argument(fmt::format("bus: {} has an empty window", device.name()));
  for (const auto& [b, w] : windows_)
    if (base < w.base + w.size && w.base < base + size)
      throw std::invalid_argument(fmt::format("bus: {} [{:#x}, +{:#x}) overlaps {} [{:#x}, +{:#x})", device.name(),
                                              base, size, w.device->name(), w.base, w.size));
  windows_.emplace(base, Window{base, size, &device});
}

const Bus::Window* Bus::find(uint64_t pa) const {
  auto it = windows_.upper_bound(pa);
  if (it == windows_.begin()) return nullptr;
  --it;
  return pa - it->second.base < it->second.size ? &it->second : nullptr;
}

std::optional<uint64_t> Bus::read(int core, uint64_t pa, unsigned size) const {
  const Window* w = find(pa);
  if (!w) return std::nullopt;
  return w->device->read({core, pa - w->base, size});
}

bool Bus::write(int core, uint64_t pa, unsigned size, uint64_t value) const {
  const Window* w = find(pa);
  if (!w) return false;
  w->device->write({core, pa - w->base, size}, value);
  return true;
}

}  // namespace chemu
