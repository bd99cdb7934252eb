#include "machine/snapshot.h"

namespace chemu {

std::unique_ptr<Machine::Snapshot> Machine::Snapshot::of(Machine& m, size_t journal_mark) {
  std::vector<CoreSaved> cores;
  for (auto& c : m.cores_) cores.push_back({c->save_engine(), c->fields()});
  std::optional<Saved<ChcoreModel>> model;
  if (m.model_) model = m.model_->fields();
  return std::unique_ptr<Snapshot>(new Snapshot{
      std::move(cores), m.uart_.fields(), m.mailbox_.fields(), m.sys_timer_.fields(), m.aux_.fields(), m.armctrl_.fields(),
      m.local_intc_.fields(), m.gpio_.fields(), m.hw_rng_.fields(), m.power_.fields(), m.cprman_.fields(), m.console_.fields(), m.tracer_.fields(),
      std::move(model), m.interleaver_->clone(), m.total_instructions_, m.slices_, m.schedule_.size(), m.irq_lines_, m.result_,
      m.counter_seen_, m.communications_, m.unclaimed_seen_, journal_mark});
}

void Machine::Snapshot::put_back(Machine& m, const std::vector<uint64_t>& rewritten) const {
  for (size_t i = 0; i < cores.size(); ++i) {
    m.cores_[i]->restore_engine(cores[i].engine.get(), rewritten);
    m.cores_[i]->fields() = cores[i].fields;
  }
  m.uart_.fields() = uart;
  m.mailbox_.fields() = mailbox;
  m.sys_timer_.fields() = sys_timer;
  m.aux_.fields() = aux;
  m.armctrl_.fields() = armctrl;
  m.local_intc_.fields() = local_intc;
  m.gpio_.fields() = gpio;
  m.hw_rng_.fields() = hw_rng;
  m.power_.fields() = power;
  m.cprman_.fields() = cprman;
  m.console_.fields() = console;
  m.tracer_.fields() = tracer;
  if (m.model_ && model) m.model_->fields() = *model;
  m.interleaver_ = interleaver->clone();
  m.total_instructions_ = total_instructions;
  m.slices_ = slices;
  m.schedule_.resize(schedule_size);
  m.irq_lines_ = irq_lines;
  m.result_ = result;
  m.counter_seen_ = counter_seen;
  m.communications_ = communications;
  m.unclaimed_seen_ = unclaimed_seen;
}

// ---- Machine's side ----------------------------------------------------------------------------

size_t Machine::take_snapshot() {
  if (!journal_) {
    journal_ = std::make_unique<RamJournal>(ram_);
    ram_.set_journal(journal_.get());
    for (auto& c : cores_) c->track_writes(journal_.get());
  }
  snapshots_.push_back(Snapshot::of(*this, journal_->mark()));
  return snapshots_.size() - 1;
}

void Machine::restore_snapshot(size_t i) {
  const Snapshot& s = *snapshots_.at(i);
  s.put_back(*this, journal_->rewind_to(s.journal_mark));
  snapshots_.resize(i + 1);
  tracer_.set_muted(false);
  console_.set_muted(false);
}

size_t Machine::snapshot_bytes(size_t i) const {
  const size_t engine = ucx::context_layout().blob_size * kNumCores;
  return journal_->pages_kept(snapshots_.at(i)->journal_mark) * RamJournal::kPageSize + engine + console_.output().size();
}

void Machine::abandon_slice(int core) {
  tracer_.set_muted(true);
  console_.set_muted(true);
  cores_[size_t(core)]->end_slice();
}

}  // namespace chemu
