package fr.ameli.idp.platform;

import org.springframework.web.reactive.function.server.RouterFunctions;

/**
 * Operator endpoints of a capability (client registration, counter codes), declared as a bean of this type rather
 * than as a {@code RouterFunction} bean: the public server serves every {@code RouterFunction} bean, whereas these
 * are served only by the {@link OperatorServer}, on the operator port, behind {@link OperatorAccess}.
 */
@FunctionalInterface
public interface OperatorRoutes {

    /** Adds this capability's routes; paths start with {@code /operator/}. */
    void declare(RouterFunctions.Builder routes);
}
