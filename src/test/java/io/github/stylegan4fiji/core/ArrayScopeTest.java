package io.github.stylegan4fiji.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ArrayScope} closes what DJL's scope would close, newest first, and each array once. */
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
}
