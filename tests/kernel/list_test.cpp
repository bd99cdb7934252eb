#include "common/list.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace {

struct Item {
  int value;
  ListNode node;
};
using ItemList = IntrusiveList<Item, &Item::node>;

// Catches: broken links on remove, or the wrong owner computed from a node.
TEST(IntrusiveList, KeepsOrderAndRemovesFromTheMiddle) {
  Item a{1, {}}, b{2, {}}, c{3, {}};
  ItemList l;
  l.push_back(&a);
  l.push_back(&b);
  l.push_front(&c);
  EXPECT_EQ(l.size(), 3u);
  l.remove(&a);
  EXPECT_FALSE(l.contains(&a));
  int seen[2], n = 0;
  for (Item* i : l) seen[n++] = i->value;
  EXPECT_EQ(seen[0], 3);
  EXPECT_EQ(seen[1], 2);
  EXPECT_EQ(l.pop_front(), &c);
  EXPECT_EQ(l.pop_front(), &b);
  EXPECT_EQ(l.pop_front(), nullptr);
  EXPECT_TRUE(l.empty());
}

// Catches: a sorted insertion (vmspace regions) landing in the wrong place, or a backward walk
// that misses the first item or runs past it.
TEST(IntrusiveList, InsertsAfterAnItemAndWalksBackwards) {
  Item a{1, {}}, b{2, {}}, c{3, {}}, d{0, {}};
  ItemList l;
  EXPECT_EQ(l.last(), nullptr);
  l.insert_after(nullptr, &a);
  l.insert_after(&a, &c);
  l.insert_after(&a, &b);
  l.insert_after(nullptr, &d);
  int seen[4], n = 0;
  for (Item* i = l.last(); i; i = l.before(i)) seen[n++] = i->value;
  ASSERT_EQ(n, 4);
  EXPECT_EQ(seen[0], 3);
  EXPECT_EQ(seen[1], 2);
  EXPECT_EQ(seen[2], 1);
  EXPECT_EQ(seen[3], 0);
  EXPECT_EQ(l.first(), &d);
  EXPECT_EQ(l.size(), 4u);
}

// Catches: a node silently linked into two lists (the kernel asserts, which here throws).
TEST(IntrusiveList, RefusesToInsertALinkedNode) {
  Item a{1, {}};
  ItemList l1, l2;
  l1.push_back(&a);
  EXPECT_THROW(l2.push_back(&a), std::logic_error);
  l1.remove(&a);
  EXPECT_THROW(l1.remove(&a), std::logic_error);
}

}  // namespace
