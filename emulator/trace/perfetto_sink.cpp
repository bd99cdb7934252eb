#include "trace/perfetto_sink.h"

#include <cstdlib>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace chemu {

namespace {
constexpr double kCyclesPerMicrosecond = 1200.0;
double micros(uint64_t cycle) { return double(cycle) / kCyclesPerMicrosecond; }
// pid 0 track ids: cores 0-3, the machine, then per core its threads, IRQs and IPIs.
constexpr int kMachineTid = 4, kThreadsTid = 10, kIrqTid = 20, kIpiTid = 30;
constexpr int kFirstSpacePid = 100;
constexpr uint32_t kMailboxSources = 0xf0;  // BCM2836 IRQ source bits 4-7: mailboxes 0-3

// The number after `key` in details ("to=core2" -> 2 for key "to=core"), if any.
std::optional<uint64_t> number_after(const std::string& details, std::string_view key, int base) {
  const size_t at = details.find(key);
  if (at == std::string::npos) return std::nullopt;
  char* end = nullptr;
  const char* start = details.c_str() + at + key.size();
  const uint64_t v = std::strtoull(start, &end, base);
  return end == start ? std::nullopt : std::optional(v);
}
}  // namespace

PerfettoSink::PerfettoSink(std::FILE* f, std::string name) : TraceSink(f, std::move(name)) {
  write("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
  write_record(nlohmann::json{{"name", "process_name"}, {"ph", "M"}, {"pid", 0}, {"args", {{"name", "chemu"}}}}.dump());
  for (int core = 0; core < kCores; ++core) {
    name_track(0, core, fmt::format("core {}", core));
    irq_[size_t(core)] = {0, kIrqTid + core, {}, 0, 0, fmt::format("core {} irq", core)};
    ipi_[size_t(core)] = {0, kIpiTid + core, {}, 0, 0, fmt::format("core {} ipi", core)};
    core_threads_[size_t(core)] = {0, kThreadsTid + core, {}, 0, 0, fmt::format("core {} threads", core)};
  }
  name_track(0, kMachineTid, "machine");
  // The per-core tracks are named when first used, so a run without IRQs or a model has none.
}

PerfettoSink::~PerfettoSink() { finish(); }

void PerfettoSink::write_record(const std::string& json) {
  write(first_ ? json : ",\n" + json);
  first_ = false;
}

void PerfettoSink::name_track(int pid, int tid, const std::string& name) {
  write_record(nlohmann::json{{"name", "thread_name"}, {"ph", "M"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", name}}}}.dump());
}

// The timestamp to write on `t` for an event at `cycle`: never before the track's last one.
uint64_t PerfettoSink::stamp(Track& t, uint64_t cycle) {
  if (!t.label.empty()) name_track(t.pid, t.tid, std::exchange(t.label, {}));
  return t.last = std::max(t.last, cycle);
}

void PerfettoSink::begin(Track& t, uint64_t cycle, const std::string& name, const std::string& detail) {
  const uint64_t at = stamp(t, cycle);
  nlohmann::json j{{"name", name}, {"ph", "B"}, {"pid", t.pid}, {"tid", t.tid}, {"ts", micros(at)}};
  if (!detail.empty()) j["args"] = {{"detail", detail}};
  write_record(j.dump());
  t.open.push_back(at);
}

void PerfettoSink::end(Track& t, uint64_t cycle) {
  if (t.open.empty()) return;
  // At least a cycle long, so that a flow bound half a cycle in is inside it.
  const uint64_t at = stamp(t, std::max(cycle, t.open.back() + 1));
  write_record(nlohmann::json{{"ph", "E"}, {"pid", t.pid}, {"tid", t.tid}, {"ts", micros(at)}}.dump());
  t.open.pop_back();
}

std::optional<PerfettoSink::FlowStart> PerfettoSink::flow_start(const Track& t) const {
  if (t.open.empty()) return std::nullopt;
  return FlowStart{t.pid, t.tid, micros(t.open.back()) + micros(1) / 2};
}

// Both ends of a flow: from `from` to half a cycle into the innermost slice open on `to`.
void PerfettoSink::flow_to(const FlowStart& from, const Track& to) {
  const auto end = flow_start(to);
  if (!end) return;
  const uint64_t id = next_flow_++;
  write_record(nlohmann::json{{"name", "flow"}, {"cat", "flow"}, {"ph", "s"}, {"id", id}, {"pid", from.pid},
                              {"tid", from.tid}, {"ts", from.ts}}.dump());
  write_record(nlohmann::json{{"name", "flow"}, {"cat", "flow"}, {"ph", "f"}, {"bp", "e"}, {"id", id}, {"pid", end->pid},
                              {"tid", end->tid}, {"ts", end->ts}}.dump());
}

void PerfettoSink::on_event(const Event& e) {
  if (!f_) return;
  if (e.kernel) return on_kernel_event(e);
  on_machine_event(e);
}

void PerfettoSink::on_machine_event(const Event& e) {
  const int tid = e.core < 0 ? kMachineTid : e.core;
  if (e.kind == EventKind::SliceStart && e.core >= 0) {
    slice_start_[size_t(e.core)] = e.cycle;
    return;
  }
  if (e.kind == EventKind::SliceEnd && e.core >= 0) {
    const uint64_t start = slice_start_[size_t(e.core)];
    write_record(nlohmann::json{{"name", "running"}, {"ph", "X"}, {"pid", 0}, {"tid", tid}, {"ts", micros(start)},
                                {"dur", micros(e.cycle - start)}, {"args", {{"detail", e.details}}}}.dump());
    return;
  }
  write_record(nlohmann::json{{"name", std::string(event_kind_name(e.kind))}, {"ph", "i"}, {"s", "t"}, {"pid", 0},
                              {"tid", tid}, {"ts", micros(e.cycle)}, {"args", {{"detail", e.details}}}}.dump());
  if (e.core < 0) return;
  const size_t c = size_t(e.core);
  if (e.kind == EventKind::MailboxWrite) {  // an IPI: a short slice on the sender's ipi track, a flow out
    const auto to = number_after(e.details, "to=core", 10);
    if (!to || *to >= kCores) return;
    begin(ipi_[c], e.cycle, fmt::format("ipi to core {}", *to), e.details);
    ipi_to_[size_t(*to)].push_back(*flow_start(ipi_[c]));
    end(ipi_[c], e.cycle);
  } else if (e.kind == EventKind::IrqDeliver) {
    end(irq_[c], e.cycle);  // (one still open: its return was never seen)
    begin(irq_[c], e.cycle, "irq", e.details);
    const auto sources = number_after(e.details, "sources=0x", 16);
    if (sources && (*sources & kMailboxSources))
      for (; !ipi_to_[c].empty(); ipi_to_[c].pop_front()) flow_to(ipi_to_[c].front(), irq_[c]);
  } else if (e.kind == EventKind::Exception && e.details.starts_with("return")) {
    end(irq_[c], e.cycle);
  }
}

PerfettoSink::Track* PerfettoSink::known_thread_track(uint64_t id) {
  auto it = threads_.find(id);
  return it == threads_.end() ? nullptr : &it->second;
}

// The track of a guest thread, in the process of its address space (created, and named, on first
// sight; a thread object reused by another process gets a new track).
PerfettoSink::Track& PerfettoSink::thread_track(const GuestThread& g) {
  Track* t = known_thread_track(g.id);
  if (t && (g.space == 0 || t->space == g.space || !t->open.empty())) return *t;
  auto [it, added] = space_pid_.emplace(g.space, kFirstSpacePid + int(space_pid_.size()));
  if (added) {
    const size_t slash = g.name.find('/');
    const std::string process = g.space == 0 ? "kernel (no address space)"
                                : slash != std::string::npos && g.name.compare(0, 2, "0x") != 0
                                    ? fmt::format("{} (space {:#x})", g.name.substr(0, slash), g.space)
                                    : fmt::format("space {:#x}", g.space);
    write_record(nlohmann::json{{"name", "process_name"}, {"ph", "M"}, {"pid", it->second}, {"args", {{"name", process}}}}.dump());
  }
  Track fresh{it->second, next_tid_++, {}, t ? t->last : 0, g.space, {}};
  name_track(fresh.pid, fresh.tid, g.name);
  return threads_[g.id] = fresh;
}

void PerfettoSink::on_kernel_event(const Event& e) {
  if (e.core < 0 || e.core >= kCores) return;
  const KernelEvent& k = *e.kernel;
  const size_t c = size_t(e.core);
  switch (e.kind) {
    case EventKind::ThreadSwitch: {
      end(core_threads_[c], e.cycle);
      if (k.peer.id)
        if (Track* prev = known_thread_track(k.peer.id))
          while (!prev->open.empty()) end(*prev, e.cycle);  // its syscall (if any), then its run
      if (k.ready >= 0)  // a counter track per CPU: the threads waiting in its ready queue
        write_record(nlohmann::json{{"name", fmt::format("ready threads cpu {}", c)}, {"ph", "C"}, {"pid", 0},
                                    {"ts", micros(e.cycle)}, {"args", {{"ready", k.ready}}}}.dump());
      if (!k.thread.id) break;
      begin(core_threads_[c], e.cycle, k.thread.name);
      Track& t = thread_track(k.thread);
      while (!t.open.empty()) end(t, e.cycle);  // still open elsewhere: that core has not switched yet
      begin(t, e.cycle, fmt::format("running on CPU {}", c), e.details);
      if (auto in = flow_in_.find(k.thread.id); in != flow_in_.end()) {
        for (const FlowStart& from : in->second) flow_to(from, t);
        flow_in_.erase(in);
      }
      break;
    }
    case EventKind::Syscall:
      if (Track* t = known_thread_track(k.thread.id); t && t->open.size() == 1) begin(*t, e.cycle, k.call, e.details);
      break;
    case EventKind::SyscallReturn:
      if (Track* t = known_thread_track(k.thread.id); t && t->open.size() == 2) end(*t, e.cycle);
      break;
    case EventKind::IpcCall:  // from the client's ipc_call to the server thread's run
    case EventKind::IpcReturn: {  // from the server's ipc_return to the client's run
      const uint64_t from = e.kind == EventKind::IpcCall ? k.thread.id : k.peer.id;
      const uint64_t to = e.kind == EventKind::IpcCall ? k.peer.id : k.thread.id;
      if (Track* t = known_thread_track(from))
        if (const auto start = flow_start(*t)) flow_in_[to].push_back(*start);
      break;
    }
    default: break;
  }
}

void PerfettoSink::finish() {
  if (!f_) return;
  // Close what is still open, at its track's last timestamp (flows that never arrived were never written).
  for (auto* tracks : {&irq_, &ipi_, &core_threads_})
    for (Track& t : *tracks)
      while (!t.open.empty()) end(t, t.last);
  for (auto& [id, t] : threads_)
    while (!t.open.empty()) end(t, t.last);
  write("\n]}\n");
  close_file();
}

}  // namespace chemu
