// Intrusive doubly linked list (SerenityOS-style, keyed by a member pointer). Compiles on the host
// too: no kernel headers. A node belongs to at most one list; insertion asserts it is unlinked.
#pragma once
#include <stddef.h>

#ifndef LIST_ASSERT
#include "common/macro.h"
#define LIST_ASSERT(c) BUG_ON(!(c))
#endif

struct ListNode {
    ListNode* prev = nullptr;
    ListNode* next = nullptr;
    bool is_linked() const { return next != nullptr; }
};

template <typename T, ListNode T::*Node>
class IntrusiveList {
public:
    IntrusiveList() { m_head.prev = m_head.next = &m_head; }
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;

    bool empty() const { return m_head.next == &m_head; }
    size_t size() const { return m_size; }

    void push_back(T* item) { insert_before(&m_head, &(item->*Node)); }
    void push_front(T* item) { insert_before(m_head.next, &(item->*Node)); }

    void remove(T* item) {
        ListNode* n = &(item->*Node);
        LIST_ASSERT(n->is_linked());
        n->prev->next = n->next;
        n->next->prev = n->prev;
        n->prev = n->next = nullptr;
        --m_size;
    }

    T* first() const { return empty() ? nullptr : owner(m_head.next); }
    T* last() const { return empty() ? nullptr : owner(m_head.prev); }
    // The item before `item` (linked here), or nullptr if it is the first.
    T* before(const T* item) const {
        const ListNode* p = (item->*Node).prev;
        return p == &m_head ? nullptr : owner(p);
    }
    // Links item right after pos, or first when pos is nullptr.
    void insert_after(T* pos, T* item) { insert_before(pos ? (pos->*Node).next : m_head.next, &(item->*Node)); }
    T* pop_front() {
        T* item = first();
        if (item) remove(item);
        return item;
    }
    bool contains(const T* item) const {
        for (const ListNode* n = m_head.next; n != &m_head; n = n->next)
            if (n == &(item->*Node)) return true;
        return false;
    }

    class Iterator {
    public:
        Iterator(ListNode* n) : m_node(n) {}
        T* operator*() const { return owner(m_node); }
        Iterator& operator++() { m_node = m_node->next; return *this; }
        bool operator!=(const Iterator& o) const { return m_node != o.m_node; }
    private:
        ListNode* m_node;
    };
    Iterator begin() const { return Iterator(m_head.next); }
    Iterator end() const { return Iterator(const_cast<ListNode*>(&m_head)); }

private:
    static T* owner(const ListNode* n) {
        // Offset of the member Node inside T, computed without a real object.
        const size_t off = reinterpret_cast<size_t>(&(reinterpret_cast<T*>(0x1000)->*Node)) - 0x1000;
        return reinterpret_cast<T*>(reinterpret_cast<char*>(const_cast<ListNode*>(n)) - off);
    }
    void insert_before(ListNode* pos, ListNode* n) {
        LIST_ASSERT(!n->is_linked());
        n->next = pos;
        n->prev = pos->prev;
        pos->prev->next = n;
        pos->prev = n;
        ++m_size;
    }
    ListNode m_head;
    size_t m_size = 0;
};
