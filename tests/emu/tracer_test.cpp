#include "trace/tracer.h"

#include <gtest/gtest.h>

namespace chemu {

namespace {
// Counts how often it is formatted.
struct Counted {
  int* formatted;
};
}  // namespace

}  // namespace chemu

template <>
struct fmt::formatter<chemu::Counted> : fmt::formatter<int> {
  auto format(const chemu::Counted& c, format_context& ctx) const {
    ++*c.formatted;
    return fmt::formatter<int>::format(*c.formatted, ctx);
  }
};

namespace chemu {
namespace {

class CollectingSink final : public TraceSink {
 public:
  explicit CollectingSink(std::vector<std::string>& lines) : lines_(lines) {}
  void on_event(const Event& e) override { lines_.push_back(format_event(e)); }

 private:
  std::vector<std::string>& lines_;
};

uint64_t fnv1a_of_lines(const std::vector<std::string>& lines) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const std::string& line : lines)
    for (unsigned char c : line + "\n") h = (h ^ c) * 0x100000001b3ull;
  return h;
}

// Catches: details formatted (a string built per event) although no sink or hash reads them.
TEST(Tracer, FormatsNothingWhenNobodyListens) {
  Tracer t;
  int formatted = 0;
  t.emit(0, 1, EventKind::SliceEnd, "ran={}", Counted{&formatted});
  EXPECT_FALSE(t.listening());
  EXPECT_EQ(formatted, 0);
  EXPECT_EQ(t.count(), 1u);
  t.enable_hash();
  t.emit(0, 2, EventKind::SliceEnd, "ran={}", Counted{&formatted});
  EXPECT_EQ(formatted, 1);
}

// Catches: the hash no longer being FNV-1a over exactly the text lines a sink writes (it must stay
// what --trace-hash has always printed), or an event left out of it.
TEST(Tracer, HashCoversExactlyTheTextLines) {
  Tracer t;
  std::vector<std::string> lines;
  t.add_sink(std::make_unique<CollectingSink>(lines));
  t.enable_hash();
  t.emit(0, 0, EventKind::SliceStart);
  t.emit(2, 35632, EventKind::SliceEnd, "ran={}", 20000);
  t.emit(-1, 7, EventKind::GuestError, "{}", "deadlock");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "core 0 @0 slice-start");
  EXPECT_EQ(lines[1], "core 2 @35632 slice-end ran=20000");
  EXPECT_EQ(lines[2], "machine @7 guest-error deadlock");
  EXPECT_EQ(t.hash(), fnv1a_of_lines(lines));
}

// Catches: a sink that stops receiving events when no hash is asked for.
TEST(Tracer, SinkAloneStillGetsEveryEvent) {
  Tracer t;
  std::vector<std::string> lines;
  t.add_sink(std::make_unique<CollectingSink>(lines));
  EXPECT_TRUE(t.listening());
  EXPECT_FALSE(t.hashing());
  t.emit(1, 5, EventKind::Wake, "{}", "event");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "core 1 @5 wake event");
}

}  // namespace
}  // namespace chemu
