package dev.sluice.support;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

/** A pool that counts the statements prepared on its connections: one per round trip that a test pins. */
public final class CountingDataSource {

    private CountingDataSource() {
    }

    public static DataSource of(DataSource pool, AtomicInteger statements) {
        ClassLoader loader = CountingDataSource.class.getClassLoader();
        return (DataSource) Proxy.newProxyInstance(loader, new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            Object result = invoke(method, pool, args);
            if (result instanceof Connection connection) {
                return Proxy.newProxyInstance(loader, new Class<?>[] {Connection.class}, (c, m, a) -> {
                    if (m.getName().startsWith("prepare") || m.getName().equals("createStatement")) {
                        statements.incrementAndGet();
                    }
                    return invoke(m, connection, a);
                });
            }
            return result;
        });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
