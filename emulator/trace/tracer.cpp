#include "trace/tracer.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace chemu {

std::string_view event_kind_name(EventKind k) {
  switch (k) {
    case EventKind::SliceStart: return "slice-start";
    case EventKind::SliceEnd: return "slice-end";
    case EventKind::Exception: return "exception";
    case EventKind::ExceptionStorm: return "exception-storm";
    case EventKind::IrqRaise: return "irq-raise";
    case EventKind::IrqDeliver: return "irq-deliver";
    case EventKind::TimerProgram: return "timer";
    case EventKind::Park: return "park";
    case EventKind::Wake: return "wake";
    case EventKind::MailboxWrite: return "mailbox";
    case EventKind::SpinRelease: return "spin-release";
    case EventKind::UartLine: return "uart";
    case EventKind::SemihostExit: return "exit";
    case EventKind::GuestError: return "guest-error";
    case EventKind::Maintenance: return "maintenance";
    case EventKind::Limit: return "limit";
    case EventKind::PowerOff: return "power-off";
    case EventKind::Reset: return "reset";
    case EventKind::ThreadSwitch: return "thread-switch";
    case EventKind::Syscall: return "syscall";
    case EventKind::SyscallReturn: return "syscall-return";
    case EventKind::IpcCall: return "ipc-call";
    case EventKind::IpcReturn: return "ipc-return";
    case EventKind::IrqExit: return "irq-exit";
  }
  return "?";
}

std::optional<EventKind> event_kind_of(std::string_view name) {
  for (unsigned i = 0; i < kEventKinds; ++i)
    if (event_kind_name(EventKind(i)) == name) return EventKind(i);
  return std::nullopt;
}

std::optional<KindMask> parse_kinds(std::string_view list, std::string* bad) {
  KindMask m = 0;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    if (!name.empty()) {
      const auto k = event_kind_of(name);
      if (!k) {
        if (bad) *bad = std::string(name);
        return std::nullopt;
      }
      m |= kind_bit(*k);
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return m;
}

std::string format_event(const Event& e) {
  const std::string who = e.core < 0 ? std::string("machine") : fmt::format("core {}", e.core);
  if (e.details.empty()) return fmt::format("{} @{} {}", who, e.cycle, event_kind_name(e.kind));
  return fmt::format("{} @{} {} {}", who, e.cycle, event_kind_name(e.kind), e.details);
}

void TraceSink::write(std::string_view text) {
  if (f_ && error_.empty() && std::fwrite(text.data(), 1, text.size(), f_) != text.size()) fail();
}

void TraceSink::close_file() {
  if (!f_) return;
  const bool own = f_ != stdout && f_ != stderr;
  // stdout is shared with the console, whose failed flush may already have dropped the buffer.
  const bool ok = own ? std::fclose(f_) == 0 : std::fflush(f_) == 0 && !std::ferror(f_);
  f_ = nullptr;
  if (!ok) fail();
}

void TraceSink::fail() {
  if (error_.empty()) error_ = fmt::format("cannot write {}: {}", name_, std::strerror(errno));
}

TextTraceSink::~TextTraceSink() { finish(); }
void TextTraceSink::on_event(const Event& e) { write(format_event(e) + '\n'); }

void Tracer::deliver(const Event& e) {
  if (hashing_ && !is_kernel_kind(e.kind)) {
    const std::string line = format_event(e);
    for (unsigned char c : line) hash_ = (hash_ ^ c) * 0x100000001b3ull;
    hash_ = (hash_ ^ '\n') * 0x100000001b3ull;
  }
  if (muted_ || ++delivered_ <= sent_) return;
  sent_ = delivered_;
  for (auto& l : sinks_)
    if (l.kinds & kind_bit(e.kind)) l.sink->on_event(e);
}

void Tracer::finish() {
  for (auto& l : sinks_) l.sink->finish();
}

std::string Tracer::error() const {
  for (const auto& s : sinks_)
    if (!s.sink->error().empty()) return s.sink->error();
  return {};
}

}  // namespace chemu
