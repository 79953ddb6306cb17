package io.dbautopilot.performance.fleet;

import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.performance.engine.Engines;
import io.dbautopilot.support.fleet.Credentials;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.fleet.TargetStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Which registry targets this instance owns: those whose registry partition the collector group assigned to it. Every
 * change (registry record, assignment) is reconciled on one thread, in order, into the {@link TargetRegistry}; a
 * target that cannot be collected here (engine, credentials) is owned but {@linkplain #unavailable unavailable}.
 */
@ApplicationScoped
public class Ownership {

    private static final Logger LOG = Logger.getLogger(Ownership.class);

    private final TargetStore store;
    private final TargetRegistry registry;
    private final TargetsConfig config;
    private final Credentials credentials;
    private final CollectorFleetConfig fleet;
    private final Engines engines;
    private final ExecutorService serial = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fleet-ownership");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
    private final Set<Integer> assigned = ConcurrentHashMap.newKeySet();
    private final Map<String, RegisteredTarget> owned = new ConcurrentHashMap<>();
    private final Map<String, String> unavailable = new ConcurrentHashMap<>();

    public Ownership(TargetStore store, TargetRegistry registry, TargetsConfig config, Credentials credentials,
                     CollectorFleetConfig fleet, Engines engines) {
        this.engines = engines;
        this.store = store;
        this.registry = registry;
        this.config = config;
        this.credentials = credentials;
        this.fleet = fleet;
    }

    /** The registry changed (called on the store's reader thread: only queues the work). */
    void registryChanged(String id, Optional<RegisteredTarget> target) {
        if (queued.compareAndSet(false, true)) { // a burst of records (start-up, an import) is reconciled once
            serial.execute(() -> {
                queued.set(false);
                reconcile();
            });
        }
    }

    /** The group assigned these partitions to this instance; returns once their targets are taken on (bounded). */
    void assigned(Collection<Integer> partitions) {
        assigned.addAll(partitions);
        if (!partitions.isEmpty()) {
            LOG.infof("Registry partitions assigned to this instance: %s", partitions);
        }
        await(partitions);
    }

    /**
     * The group takes these partitions away: their targets are released, each after its work in flight, before this
     * returns (bounded), so the next owner never collects a target while this instance still does.
     */
    void revoked(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        assigned.removeAll(partitions);
        LOG.infof("Registry partitions revoked from this instance: %s", partitions);
        await(partitions);
    }

    private void await(Collection<Integer> partitions) {
        try {
            Future<?> done = serial.submit(this::reconcile);
            done.get(fleet.drainTimeout().plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.warnf("Taking on / releasing the targets of partitions %s did not finish in time: %s", partitions, e);
        }
    }

    /** Partitions of the registry this instance owns. */
    public Set<Integer> partitions() {
        return Set.copyOf(assigned);
    }

    /** Whether this instance owns a target (collected or not). */
    public boolean owns(String id) {
        return owned.containsKey(id);
    }

    /** Why an owned target is not collected (e.g. {@code engine redis has no collector yet}), if it is not. */
    public Optional<String> unavailable(String id) {
        return Optional.ofNullable(unavailable.get(id));
    }

    private synchronized void reconcile() {
        try {
            Map<String, RegisteredTarget> desired = new ConcurrentHashMap<>();
            for (RegisteredTarget t : store.all()) {
                if (assigned.contains(t.partition())) {
                    desired.put(t.id(), t);
                }
            }
            java.util.List<String> gone = owned.keySet().stream().filter(id -> !desired.containsKey(id)).toList();
            gone.forEach(id -> {
                owned.remove(id);
                unavailable.remove(id);
            });
            registry.release(gone, fleet.drainTimeout());
            desired.forEach((id, target) -> {
                RegisteredTarget before = owned.get(id);
                if (before == null || !before.definition().sameAs(target.definition())) {
                    take(target);
                } else {
                    owned.put(id, target);
                }
            });
        } catch (RuntimeException e) {
            LOG.errorf(e, "Reconciling the owned targets failed; retried on the next change");
        }
    }

    private void take(RegisteredTarget target) {
        String id = target.id();
        owned.put(id, target);
        RegistryTargetSettings settings;
        try {
            settings = RegistryTargetSettings.of(target.definition(), password(target));
            // no collector for the engine, or e.g. a bad sslmode: say so once, not every cycle
            engines.requireCollector(target.definition().engine()).validate(id, settings);
        } catch (RuntimeException e) {
            String reason = e.getMessage();
            if (!reason.equals(unavailable.put(id, reason))) {
                LOG.warnf("Target %s is owned here but not collected: %s", id, reason);
            }
            registry.release(id, fleet.drainTimeout());
            return;
        }
        unavailable.remove(id);
        registry.acquire(id, settings, fleet.drainTimeout());
    }

    /**
     * The password of a registry target as collection resolves it: its local {@code autopilot.targets.<id>.password},
     * else its {@code credentials_ref}; empty when it has neither.
     *
     * @throws IllegalArgumentException naming the reference (never the secret) when it cannot be resolved here
     */
    public Optional<String> password(RegisteredTarget target) {
        Optional<String> local = PropertyTargets.localPassword(config, target.id());
        if (local.isPresent()) {
            return local;
        }
        String ref = target.definition().credentialsRef();
        if (ref == null || ref.isBlank()) {
            return Optional.empty();
        }
        Optional<String> problem = credentials.problem(ref);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("credentials_ref: " + problem.get());
        }
        return Optional.of(credentials.resolve(ref));
    }

    /** Gives every target up (shutdown). */
    void releaseAll() {
        revoked(partitions());
    }

    @PreDestroy
    void close() {
        serial.shutdownNow();
    }
}
