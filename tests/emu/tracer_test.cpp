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

// Catches: kernel events (what the guest model reads) changing the hash, so that asking for them
// would make a run look different from the same run without them.
TEST(Tracer, KernelEventsAreNeverHashed) {
  Tracer a, b;
  std::vector<std::string> lines;
  a.enable_hash();
  b.enable_hash();
  b.add_sink(std::make_unique<CollectingSink>(lines));
  for (Tracer* t : {&a, &b}) t->emit(0, 1, EventKind::SliceStart);
  const KernelEvent k{};
  b.emit_kernel(0, 2, EventKind::Syscall, "thread=idle/0 sys_yield nr=4 args=0x0,0x0,0x0", k);
  for (Tracer* t : {&a, &b}) t->emit(0, 3, EventKind::SliceEnd, "ran={}", 3);
  EXPECT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "core 0 @2 syscall thread=idle/0 sys_yield nr=4 args=0x0,0x0,0x0");
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_FALSE(a.wants(EventKind::Syscall));  // the hash alone does not ask for kernel events
  EXPECT_TRUE(b.wants_kernel_events());
}

// Catches: --trace-events letting other kinds through, filtering the hash with the sink (the hash
// is of every machine event whatever a sink keeps), or formatting details nobody takes.
TEST(Tracer, SinkKeepsOnlyItsKinds) {
  Tracer t;
  std::vector<std::string> lines;
  t.add_sink(std::make_unique<CollectingSink>(lines), kind_bit(EventKind::UartLine) | kind_bit(EventKind::Syscall));
  int formatted = 0;
  t.emit(0, 1, EventKind::SliceEnd, "ran={}", Counted{&formatted});
  t.emit(0, 2, EventKind::UartLine, "\"{}\"", "hi");
  EXPECT_EQ(formatted, 0);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "core 0 @2 uart \"hi\"");
  Tracer h;
  h.enable_hash();
  h.add_sink(std::make_unique<CollectingSink>(lines), kind_bit(EventKind::UartLine));
  Tracer all;
  all.enable_hash();
  for (Tracer* x : {&h, &all}) x->emit(0, 1, EventKind::SliceEnd, "ran={}", 5);
  EXPECT_EQ(h.hash(), all.hash());
}

// Catches: a kind name the option does not know, or a typo accepted as nothing.
TEST(Tracer, ParsesKindLists) {
  EXPECT_EQ(parse_kinds("syscall,thread-switch"), kind_bit(EventKind::Syscall) | kind_bit(EventKind::ThreadSwitch));
  EXPECT_EQ(parse_kinds("uart"), kind_bit(EventKind::UartLine));
  std::string bad;
  EXPECT_FALSE(parse_kinds("syscall,syscal", &bad));
  EXPECT_EQ(bad, "syscal");
  for (unsigned i = 0; i < kEventKinds; ++i) EXPECT_EQ(event_kind_of(event_kind_name(EventKind(i))), EventKind(i));
}

}  // namespace
}  // namespace chemu
