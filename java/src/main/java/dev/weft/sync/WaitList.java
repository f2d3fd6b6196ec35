package dev.weft.sync;

/*
 * An intrusive, doubly linked FIFO of waiter nodes: the queue behind Semaphore and Notify.
 *
 * The nodes are the waiting operations' own objects (a node is allocated once per operation
 * that has to wait, never per wake), so linking and unlinking are O(1) and a cancelled waiter
 * removes itself from the middle without a search. `linked` says whether a node is in the list,
 * which makes removal idempotent: a waiter that was already popped by a waker and then cancelled
 * is told so by `remove` returning false.
 *
 * Not thread-safe: every call happens under the owning primitive's lock.
 */
final class WaitList<N extends WaitList.Node<N>> {

    /** A waiter; subclasses add what the owning primitive needs (permits wanted, a flag). */
    abstract static class Node<N extends Node<N>> {
        N prev;
        N next;
        boolean linked;
    }

    private N head;
    private N tail;

    boolean isEmpty() {
        return head == null;
    }

    N peek() {
        return head;
    }

    void addLast(N node) {
        if (node.linked) {
            throw new IllegalStateException("waiter is already queued");
        }
        node.linked = true;
        node.prev = tail;
        node.next = null;
        if (tail == null) {
            head = node;
        } else {
            tail.next = node;
        }
        tail = node;
    }

    /** Removes and returns the first node, or null. */
    N poll() {
        N node = head;
        if (node != null) {
            remove(node);
        }
        return node;
    }

    /** Unlinks {@code node}; false if it was not in the list (already popped). */
    boolean remove(N node) {
        if (!node.linked) {
            return false;
        }
        N p = node.prev;
        N n = node.next;
        if (p == null) {
            head = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.prev = p;
        }
        node.prev = null;
        node.next = null;
        node.linked = false;
        return true;
    }
}
