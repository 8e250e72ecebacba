package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A request still being worked on when {@code disconnect} arrives is answered, and before the
 * disconnect response: the adapter never closes its output with a request it read unanswered.
 */
class DisconnectRaceTest {
    @Test
    void anAttachInFlightIsAnsweredBeforeTheDisconnect() throws Exception {
        for (int round = 0; round < 20; round++) {
            try (DapFuzzTest.InProcess session = new DapFuzzTest.InProcess()) {
                DapClient c = session.client;
                // Hold the tracer thread, so that the attach is still in flight when disconnect is read.
                java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.CompletableFuture<Object> held = org.ptracedap.engine.Tracer.shared().call(() -> {
                    release.await();
                    return null;
                });
                byte[] attach = DapClient.frame("{\"seq\":1,\"type\":\"request\",\"command\":\"attach\",\"arguments\":{\"processId\":999999999}}");
                byte[] disconnect = DapClient.frame("{\"seq\":2,\"type\":\"request\",\"command\":\"disconnect\"}");
                byte[] both = new byte[attach.length + disconnect.length];
                System.arraycopy(attach, 0, both, 0, attach.length);
                System.arraycopy(disconnect, 0, both, attach.length, disconnect.length);
                c.writeRaw(both);
                // threads (answered at once while attaching) shows that both were dispatched
                c.writeRaw(DapClient.frame("{\"seq\":3,\"type\":\"request\",\"command\":\"threads\"}"));
                c.response(3);
                release.countDown();
                held.get();
                session.awaitEnd("round " + round + ": the session must end after disconnect");
                List<Integer> order = new ArrayList<>();
                for (JsonObject m : c.received()) {
                    if ("response".equals(DapClient.type(m))) {
                        order.add(m.get("request_seq").getAsInt());
                    }
                }
                assertEquals(List.of(3, 1, 2), order, "round " + round + ": " + c.received());
            }
        }
    }
}
