package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.lang.reflect.Field;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * An {@link NDScope} that closes its arrays newest first, in the same order every time.
 * <p>
 * DJL's scope keeps its arrays in an {@link IdentityHashMap} and closes them in that map's order,
 * which follows identity hash codes: a different order on every training step. Traced with an
 * allocation logger (issue 17), the ≈ 180 large blocks a training step frees at its end went back
 * to glibc in a new order each step, so glibc's bins — and the next step's placements — differed
 * from step to step for that reason alone. Freed newest first, as the Python reference's reference
 * counts free them, every step now allocates and frees its large blocks in the same sequence
 * (928 events of 1 MiB and more per step, identical from step to step). Their placements still
 * vary — the small blocks between them do not repeat (traced: some 500 16-byte blocks that libtorch
 * frees in a different order each step, small allocations of the JVM; docs/benchmarks.md) — so
 * this alone did not stop the memory drift; it makes the large blocks' sequence reproducible,
 * which a stable placement needs.
 * <p>
 * DJL offers no hook for the order, so the scope's map is replaced by one that remembers when each
 * array was registered (a private field; if a DJL version renames it, the scope falls back to
 * DJL's order, {@link #ordered()} says so and a test fails).
 */
public final class ArrayScope extends NDScope {

	private static final Field RESOURCES = resourcesField();

	/** This scope's arrays in registration order; null if DJL's internals changed. */
	private final CreationOrder arrays;

	public ArrayScope() {
		arrays = install(this);
	}

	/**
	 * Runs {@code body} in a scope of its own: every array it creates is freed when it returns, except
	 * its result, which joins the enclosing scope. A layer's temporaries then live as long as they do
	 * in the Python reference, where reference counts free them once the next op has read them:
	 * without grad mode at once, under autograd when the backward pass has used what it saved (freeing
	 * an array here only drops this handle; autograd holds its own). With one scope for a whole
	 * training step every activation and temporary of the step stays allocated until its end, and
	 * the backward pass's gradients are placed beside them instead of in their place (issue 17).
	 */
	public static NDArray local(Supplier<NDArray> body) {
		return localAll(() -> new NDArray[] {body.get()})[0];
	}

	/**
	 * Frees an array this code made once nothing reads it any more, as reassigning the variable
	 * would in Python: a network's activation after the next layer has read it. The enclosing scope
	 * forgets it. Never for an array the caller passed in.
	 */
	public static void release(NDArray a) {
		NDScope.unregister(a);
		a.close();
	}

	/**
	 * The next activation of a chain of layers: {@code layer} applied to {@code activation} in a scope
	 * of its own ({@link #local}), after which {@code activation} — made by this code, not passed in
	 * by a caller — is {@linkplain #release released}.
	 */
	public static NDArray advance(NDArray activation, UnaryOperator<NDArray> layer) {
		NDArray next = local(() -> layer.apply(activation));
		release(activation);
		return next;
	}

	/** {@link #local} for a body with several results (nulls allowed). */
	public static NDArray[] localAll(Supplier<NDArray[]> body) {
		ArrayScope scope = new ArrayScope();
		if (!scope.ordered()) { // cannot tell its arrays from the enclosing scope's: no scope of its own
			scope.close();
			return body.get();
		}
		NDArray[] results;
		List<NDArray> kept = new ArrayList<>();
		try (scope) {
			results = body.get();
			for (NDArray a : results) // arrays from outside (inputs, weights) are not this scope's to keep
				if (a != null && scope.arrays.remove(a) != null) kept.add(a);
		}
		for (NDArray a : kept) NDScope.register(a); // into the enclosing scope, if there is one
		return results;
	}

	/** Whether this scope closes newest first (false only if DJL's scope changed its internals). */
	public boolean ordered() {
		return arrays != null;
	}

	/** How many arrays this scope would close now (for tests; -1 if it cannot tell). */
	int registered() {
		return arrays == null ? -1 : arrays.size();
	}

	private static Field resourcesField() {
		try {
			Field f = NDScope.class.getDeclaredField("resources");
			if (f.getType() != IdentityHashMap.class) return null;
			f.setAccessible(true);
			return f;
		} catch (ReflectiveOperationException | RuntimeException e) {
			return null;
		}
	}

	private static CreationOrder install(NDScope scope) {
		if (RESOURCES == null) return null;
		try {
			CreationOrder map = new CreationOrder();
			RESOURCES.set(scope, map);
			return map;
		} catch (ReflectiveOperationException | RuntimeException e) {
			return null;
		}
	}

	/**
	 * The scope's arrays with the order of registration; its key set iterates newest first. NDScope
	 * uses put (register), remove (unregister) and keySet (close); arrays unregistered stay in the
	 * order list until it is compacted, so a long-lived scope does not accumulate them.
	 */
	private static final class CreationOrder extends IdentityHashMap<NDArray, NDArray> {

		private static final long serialVersionUID = 1L;
		private final List<NDArray> order = new ArrayList<>();

		@Override
		public NDArray put(NDArray key, NDArray value) {
			NDArray previous = super.put(key, value);
			if (previous == null) order.add(key);
			return previous;
		}

		@Override
		public NDArray remove(Object key) {
			NDArray removed = super.remove(key);
			if (removed != null && order.size() > 2 * size() + 64) compact();
			return removed;
		}

		@Override
		public void clear() {
			super.clear();
			order.clear();
		}

		/** Keeps each registered array once, at its latest registration. */
		private void compact() {
			IdentityHashMap<NDArray, Boolean> seen = new IdentityHashMap<>();
			List<NDArray> kept = new ArrayList<>(size());
			for (int i = order.size() - 1; i >= 0; i--) {
				NDArray a = order.get(i);
				if (containsKey(a) && seen.put(a, Boolean.TRUE) == null) kept.add(a);
			}
			order.clear();
			for (int i = kept.size() - 1; i >= 0; i--) order.add(kept.get(i));
		}

		@Override
		public Set<NDArray> keySet() {
			compact();
			List<NDArray> newestFirst = new ArrayList<>(order.size());
			for (int i = order.size() - 1; i >= 0; i--) newestFirst.add(order.get(i));
			return new AbstractSet<>() {
				@Override
				public Iterator<NDArray> iterator() {
					return newestFirst.iterator();
				}

				@Override
				public int size() {
					return newestFirst.size();
				}
			};
		}
	}
}
