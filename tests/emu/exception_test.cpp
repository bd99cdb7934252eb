#include "cpu/exception.h"

#include <gtest/gtest.h>

#include "cpu/unicorn_compat.h"

namespace chemu {
namespace {

// Catches: vector offsets from the wrong table quadrant (ARM ARM D1.10.2).
TEST(ExceptionEntry, VectorOffsetsFollowSourceElAndStackPointer) {
  const uint32_t el0 = 0, el1t = 1u << pstate::kElShift, el1h = pstate::kEl1h;
  EXPECT_EQ(plan_el1_entry(el0, ExceptionKind::Sync).vector_offset, 0x400u);
  EXPECT_EQ(plan_el1_entry(el0, ExceptionKind::Irq).vector_offset, 0x480u);
  EXPECT_EQ(plan_el1_entry(el1t, ExceptionKind::Sync).vector_offset, 0x000u);
  EXPECT_EQ(plan_el1_entry(el1h, ExceptionKind::Sync).vector_offset, 0x200u);
  EXPECT_EQ(plan_el1_entry(el1h, ExceptionKind::Irq).vector_offset, 0x280u);
}

TEST(ExceptionEntry, MasksInterruptsBanksStackAndRefreshesOnlyFromEl0) {
  const EntryPlan from_user = plan_el1_entry(0, ExceptionKind::Sync);
  EXPECT_EQ(from_user.new_pstate, pstate::kEl1h | pstate::kDaif);
  EXPECT_TRUE(from_user.bank_sp);
  EXPECT_TRUE(from_user.from_lower_el);
  const EntryPlan from_kernel = plan_el1_entry(pstate::kEl1h, ExceptionKind::Irq);
  EXPECT_FALSE(from_kernel.bank_sp);
  EXPECT_FALSE(from_kernel.from_lower_el);
  EXPECT_TRUE(plan_el1_entry(1u << pstate::kElShift, ExceptionKind::Sync).bank_sp);  // EL1t runs on SP_EL0
}

// The start-up self-check runs the real entry path (EL0 SVC -> EL1 vector) on this Unicorn.
TEST(UnicornCompat, SelfCheckFindsTheContextLayout) {
  const ucx::ContextLayout& l = ucx::context_layout();
  EXPECT_GT(l.blob_size, l.vaddress);
  EXPECT_EQ(l.vaddress, l.syndrome + 8);
}

}  // namespace
}  // namespace chemu
