#include "dev/bus.h"

#include <gtest/gtest.h>

namespace chemu {
namespace {

class Recorder final : public Device {
 public:
  std::string_view name() const override { return "recorder"; }
  void reset() override { last_offset = 0; }
  uint64_t read(const MmioAccess& a) override { return last_offset = a.offset, 0x1234; }
  void write(const MmioAccess& a, uint64_t v) override { last_offset = a.offset, last_value = v; }
  uint64_t last_offset = 0, last_value = 0;
};

// Catches: a device window that silently shadows another one.
TEST(Bus, RejectsOverlappingWindows) {
  Bus bus;
  Recorder a, b;
  bus.add(0x1000, 0x100, a);
  EXPECT_THROW(bus.add(0x10ff, 0x10, b), std::invalid_argument);
  EXPECT_THROW(bus.add(0x0f00, 0x101, b), std::invalid_argument);
  EXPECT_NO_THROW(bus.add(0x1100, 0x10, b));
}

// Catches: offsets computed from the wrong base, or accesses past a window's end being claimed.
TEST(Bus, RoutesByWindowAndLeavesGapsUnclaimed) {
  Bus bus;
  Recorder a;
  bus.add(0x3f201000, 0x1000, a);
  EXPECT_EQ(bus.read(0, 0x3f201018, 4), 0x1234u);
  EXPECT_EQ(a.last_offset, 0x18u);
  EXPECT_TRUE(bus.write(2, 0x3f201000, 4, 0x41));
  EXPECT_EQ(a.last_value, 0x41u);
  EXPECT_FALSE(bus.read(0, 0x3f202000, 4).has_value());
  EXPECT_FALSE(bus.read(0, 0x3f200ffc, 4).has_value());
  EXPECT_FALSE(bus.write(0, 0x0, 4, 0));
}

}  // namespace
}  // namespace chemu
