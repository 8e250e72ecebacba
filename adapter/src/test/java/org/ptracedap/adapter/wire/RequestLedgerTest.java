package org.ptracedap.adapter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The bookkeeping behind "every request read gets exactly one response". */
class RequestLedgerTest {
    @Test
    void aRequestReadBeforeAnotherIsOwedUntilItsResponseIsWritten() {
        RequestLedger l = new RequestLedger();
        RequestLedger.Entry attach = l.read(1, "attach");
        RequestLedger.Entry disconnect = l.read(2, "disconnect");
        assertTrue(l.owedBefore(disconnect.order()), "the attach is still owed when the disconnect is answered");
        assertEquals(disconnect, l.take(2));
        assertTrue(l.owedBefore(disconnect.order()));
        assertEquals(attach, l.take(1));
        assertFalse(l.owedBefore(disconnect.order()));
        assertNull(l.take(1), "a request is settled once");
        assertEquals(0, l.owedCount());
    }

    @Test
    void requestsWithTheSameSeqAreOwedOneResponseEach() {
        RequestLedger l = new RequestLedger();
        RequestLedger.Entry first = l.read(7, "threads");
        RequestLedger.Entry second = l.read(7, "pause");
        assertEquals(first, l.take(7));
        assertEquals(second, l.take(7));
        assertNull(l.take(7));
    }

    @Test
    void forcedAnswersMakeTheLateResponseBeDroppedOnce() {
        RequestLedger l = new RequestLedger();
        l.read(1, "attach");
        l.read(2, "threads");
        RequestLedger.Entry disconnect = l.read(3, "disconnect");
        l.read(4, "threads"); // read after the disconnect: not forced by its patience
        List<RequestLedger.Entry> forced = l.force(disconnect.order());
        assertEquals(List.of(1, 2), forced.stream().map(RequestLedger.Entry::seq).toList());
        assertFalse(l.owedBefore(disconnect.order()));
        assertNull(l.take(1));
        assertTrue(l.takeForced(1), "the attach's own response, coming late, is dropped");
        assertFalse(l.takeForced(1), "only once");
        assertFalse(l.takeForced(5), "a response to a request never read is not dropped");
        assertEquals(2, l.owedCount(), "the disconnect and the later threads");
        assertEquals(2, l.force(Long.MAX_VALUE).size());
        assertEquals(0, l.owedCount());
    }

    @Test
    void aCancelledRequestIsAnsweredOnceAndItsOwnLateAnswerDropped() {
        RequestLedger l = new RequestLedger();
        l.read(7, "evaluate");
        l.read(8, "threads");
        assertEquals(7, l.forceOne(7).seq(), "cancelled: answered by the transport");
        assertNull(l.forceOne(7), "a second cancel finds nothing owed");
        assertNull(l.take(7));
        assertTrue(l.takeForced(7), "the evaluation's own answer, when it comes, is dropped");
        assertFalse(l.takeForced(7));
        assertNull(l.forceOne(9), "a request never read");
        assertEquals(8, l.take(8).seq(), "the others are owed as before");
    }
}
