/**
 * The debugger's model of a target (Delve's {@code pkg/proc}), over the engine (threads, stops,
 * registers and memory of stopped threads) and debug info (a binary's facts): stacks now;
 * breakpoints, stepping plans, values and the evaluator as they come.
 */
package org.ptracedap.debugger;
