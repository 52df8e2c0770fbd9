package io.github.stylegan4fiji.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ArrayScope} closes what DJL's scope would close, newest first, and each array once; its
 * {@code local} frees a body's temporaries and keeps its results.
 */
class ArrayScopeTest {

	/** A stand-in array that records when it is closed. */
	private static NDArray recorder(String name, List<String> closed) {
		return (NDArray) Proxy.newProxyInstance(NDArray.class.getClassLoader(), new Class<?>[] {NDArray.class}, (p, m, args) -> {
			switch (m.getName()) {
				case "close":
					closed.add(name);
					return null;
				case "hashCode":
					return System.identityHashCode(p);
				case "equals":
					return p == args[0];
				case "toString":
					return name;
				default:
					throw new UnsupportedOperationException(m.getName());
			}
		});
	}

	@Test
	void closesNewestFirst() {
		List<String> closed = new ArrayList<>();
		List<String> expected = new ArrayList<>();
		try (ArrayScope scope = new ArrayScope()) {
			assertTrue(scope.ordered(), "DJL's NDScope changed its internals: ArrayScope falls back to DJL's order");
			for (int i = 0; i < 200; i++) NDScope.register(recorder("a" + i, closed));
			for (int i = 199; i >= 0; i--) expected.add("a" + i);
		}
		assertEquals(expected, closed);
	}

	@Test
	void unregisteredArraysStayOpenAndReRegisteredOnesCloseOnce() {
		List<String> closed = new ArrayList<>();
		NDArray kept = recorder("kept", closed), again = recorder("again", closed);
		List<NDArray> temporaries = new ArrayList<>();
		for (int i = 0; i < 500; i++) temporaries.add(recorder("t" + i, closed));
		try (ArrayScope scope = new ArrayScope()) {
			NDScope.register(again);
			temporaries.forEach(NDScope::register);
			NDScope.register(kept);
			NDScope.unregister(kept);
			NDScope.unregister(recorder("stranger", closed)); // never registered: no effect
			for (int i = 0; i < 400; i++) NDScope.unregister(temporaries.get(i)); // compacts the order on the way
			NDScope.unregister(again);
			NDScope.register(again); // now the newest
		}
		List<String> expected = new ArrayList<>();
		expected.add("again");
		for (int i = 499; i >= 400; i--) expected.add("t" + i);
		assertEquals(expected, closed);
	}

	@Test
	void realArraysAreClosedAndEscapeesSurvive() {
		try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
			NDArray inside, escaped;
			try (ArrayScope scope = new ArrayScope()) {
				scope.suppressNotUsedWarning();
				inside = m.ones(new Shape(4)).mul(2);
				escaped = inside.add(1);
				NDScope.unregister(escaped);
			}
			assertTrue(inside.isReleased());
			assertEquals(3f, escaped.getFloat(0));
		}
	}

	@Test
	void localFreesTemporariesAndHandsItsResultToTheEnclosingScope() {
		try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
			NDArray weight = m.ones(new Shape(3)); // from outside any scope, like a parameter
			NDArray[] temporary = new NDArray[1];
			NDArray result, fromOutside;
			try (ArrayScope outer = new ArrayScope()) {
				outer.suppressNotUsedWarning();
				NDArray input = m.ones(new Shape(3)).mul(2); // the enclosing scope's
				result = ArrayScope.local(() -> {
					temporary[0] = input.mul(weight);
					return temporary[0].add(1);
				});
				assertTrue(temporary[0].isReleased(), "the body's temporary is freed when it returns");
				assertEquals(3f, result.getFloat(0));
				fromOutside = ArrayScope.local(() -> weight); // not the body's: stays where it was
				assertSame(weight, fromOutside);
				NDArray[] pair = ArrayScope.localAll(() -> new NDArray[] {input.add(1), null, input});
				assertEquals(3f, pair[0].getFloat(0));
				assertSame(input, pair[2]);
				NDArray activation = input.add(1);
				NDArray nextOne = ArrayScope.advance(activation, a -> a.mul(2));
				assertTrue(activation.isReleased(), "advance frees the activation it was given");
				assertEquals(6f, nextOne.getFloat(0));
			}
			assertTrue(result.isReleased(), "the result belongs to the enclosing scope");
			assertFalse(weight.isReleased(), "an array from outside is never added to a scope");
		}
	}

	@Test
	void gradientsFlowThroughFreedTemporaries() {
		try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
			NDArray x = m.create(new float[] {1, 2, 3});
			x.setRequiresGradient(true);
			Autograd.gradMode(true);
			try (ArrayScope outer = new ArrayScope()) {
				outer.suppressNotUsedWarning();
				// y = Σ (x²)·3: the body's temporaries (x², its product) are freed before backward
				NDArray y = ArrayScope.local(() -> x.square().mul(3).sum());
				Autograd.backward(y);
			} finally {
				Autograd.gradMode(false);
			}
			assertArrayEquals(new float[] {6, 12, 18}, x.getGradient().toFloatArray(), 0f);
		}
	}
}
