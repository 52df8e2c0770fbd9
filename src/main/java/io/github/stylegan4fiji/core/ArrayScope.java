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

	private final boolean ordered;

	public ArrayScope() {
		ordered = install(this);
	}

	/** Whether this scope closes newest first (false only if DJL's scope changed its internals). */
	public boolean ordered() {
		return ordered;
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

	private static boolean install(NDScope scope) {
		if (RESOURCES == null) return false;
		try {
			RESOURCES.set(scope, new CreationOrder());
			return true;
		} catch (ReflectiveOperationException | RuntimeException e) {
			return false;
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
